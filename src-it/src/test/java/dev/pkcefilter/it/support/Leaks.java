package dev.pkcefilter.it.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Looks for secrets in text a user or an operator can see: each secret as it is, percent-encoded, Base64 and
 * Base64url encoded (with and without padding), and, for a JWT, its payload and its signature on their own (its
 * header, the same for every token of one key, is no secret).
 */
public final class Leaks {

    private final Set<String> forms = new LinkedHashSet<>();

    /**
     * @param secrets the secrets to look for
     * @param extraForms further encodings to look for as they are, e.g. a Basic credential pair
     */
    public Leaks(Set<String> secrets, Set<String> extraForms) {
        for (String secret : secrets) {
            forms.addAll(forms(secret));
        }
        forms.addAll(extraForms);
    }

    private static Set<String> forms(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        forms.add(secret);
        forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        String[] jwt = secret.split("\\.");
        if (jwt.length >= 2) {
            forms.add(jwt[1]); // the claims, which hold a unique jti
        }
        if (jwt.length == 3 && !jwt[2].isEmpty()) {
            forms.add(jwt[2]); // the signature, unique to the token
        }
        return forms;
    }

    /** @return how many distinct forms are looked for */
    public int size() {
        return forms.size();
    }

    /** @return a line per form of a secret found in {@code text}, naming {@code where}; empty if none */
    public List<String> findIn(String where, String text) {
        List<String> found = new ArrayList<>();
        for (String form : forms) {
            int at = text.indexOf(form);
            if (at >= 0) {
                found.add(where + ": a secret (" + form.length() + " characters) at offset " + at + ": ..."
                        + text.substring(Math.max(0, at - 80), at).replace('\n', ' ') + "[SECRET]");
            }
        }
        return found;
    }
}
