package dev.pkcefilter.impl.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code application/x-www-form-urlencoded} writing (RFC 6749 Appendix B). */
public final class FormEncoding {

    private FormEncoding() {
    }

    /** @return the parameters as {@code k=v&k2=v2}, each name and value form-encoded in UTF-8 */
    public static String encode(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder();
        parameters.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(encode(name)).append('=').append(encode(value));
        });
        return out.toString();
    }

    /** @return {@code value} form-encoded in UTF-8 */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
