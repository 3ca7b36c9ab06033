package dev.pkcefilter.impl.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Random values for state and verifiers. */
final class Randoms {

    private Randoms() {
    }

    static String base64Url(SecureRandom random, int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }
}
