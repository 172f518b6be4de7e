package io.shockwave.runtime.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Status;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
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
        String type = mediaType(request.header(HeaderName.CONTENT_TYPE));
        if (!type.equals("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        byte[] body = request.body().readNBytes(MAX_FORM_BYTES + 1);
        if (body.length > MAX_FORM_BYTES) {
            throw new HttpException(Status.CONTENT_TOO_LARGE, "Form larger than " + MAX_FORM_BYTES + " bytes");
        }
        return UrlEncoded.parse(body, 0, body.length, MAX_FIELDS);
    }

    /** The media type of a Content-Type value, lower case, without parameters; "" when there is none. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
