package io.shockwave.runtime.internal;

import java.util.Locale;

/** Whether an {@code Accept-Encoding} field (RFC 9110 §12.5.3) accepts a content coding. */
public final class AcceptEncoding {
    private AcceptEncoding() {
    }

    /** Whether {@code coding} ({@code gzip}, {@code br}) has a q-value above 0, by name or by {@code *}. */
    public static boolean accepts(String field, String coding) {
        if (field == null) {
            return false;
        }
        double named = -1;
        double any = -1;
        for (String element : field.split(",")) {
            int semi = element.indexOf(';');
            String name = (semi < 0 ? element : element.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            double q = semi < 0 ? 1 : qValue(element.substring(semi + 1));
            if (name.equals(coding) || (coding.equals("gzip") && name.equals("x-gzip"))) {
                named = Math.max(named, q);
            } else if (name.equals("*")) {
                any = Math.max(any, q);
            }
        }
        return named >= 0 ? named > 0 : any > 0;
    }

    private static double qValue(String params) {
        for (String p : params.split(";")) {
            String t = p.strip();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(t.substring(2));
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
