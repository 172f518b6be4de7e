package io.shockwave.runtime.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Status;

import io.shockwave.runtime.Multipart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's body as a form, once: the fields are kept as a request attribute, since
 * the body can be read only once. Bounded below the body limit, as a form is held in memory
 * as strings: at most {@link #MAX_FORM_BYTES} and {@link #MAX_FIELDS} fields.
 */
public final class Forms {
    /** The attribute that holds the parsed form. */
    public static final String ATTRIBUTE = "io.shockwave.form";
    public static final int MAX_FORM_BYTES = 1 << 20;
    public static final int MAX_FIELDS = 1000;

    private Forms() {
    }

    /** The form fields of {@code request}; empty when its body is not a form. */
    public static Map<String, List<String>> of(Request request) throws IOException {
        Map<String, List<String>> form = request.attribute(ATTRIBUTE);
        if (form == null) {
            form = read(request);
            request.attribute(ATTRIBUTE, form);
        }
        return form;
    }

    private static Map<String, List<String>> read(Request request) throws IOException {
        String type = HeaderParameters.mediaType(request.header(HeaderName.CONTENT_TYPE));
        if (type.equals("multipart/form-data")) {
            return multipart(request);
        }
        if (!type.equals("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        byte[] body = request.body().readNBytes(MAX_FORM_BYTES + 1);
        if (body.length > MAX_FORM_BYTES) {
            throw new HttpException(Status.CONTENT_TOO_LARGE, "Form larger than " + MAX_FORM_BYTES + " bytes");
        }
        return UrlEncoded.parse(body, 0, body.length, MAX_FIELDS);
    }

    /** The plain fields of a multipart form, within the same bounds; file parts are read past and left out. */
    private static Map<String, List<String>> multipart(Request request) throws IOException {
        Multipart form = Multipart.of(request);
        Map<String, List<String>> fields = new LinkedHashMap<>();
        int count = 0;
        long bytes = 0;
        for (Multipart.Part part; (part = form.next()) != null; ) {
            if (part.filename() != null || part.name() == null) {
                continue;
            }
            if (++count > MAX_FIELDS) {
                throw new HttpException(Status.BAD_REQUEST, "More than " + MAX_FIELDS + " form fields");
            }
            String value = part.text();
            bytes += value.length();
            if (bytes > MAX_FORM_BYTES) {
                throw new HttpException(Status.CONTENT_TOO_LARGE, "Form larger than " + MAX_FORM_BYTES + " bytes");
            }
            fields.computeIfAbsent(part.name(), k -> new ArrayList<>(1)).add(value);
        }
        for (Map.Entry<String, List<String>> e : fields.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(fields);
    }
}
