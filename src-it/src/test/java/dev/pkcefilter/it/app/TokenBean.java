package dev.pkcefilter.it.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.pkcefilter.AccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** A CDI bean of the application that uses the token. */
@RequestScoped
public class TokenBean {

    @Inject
    AccessToken token;

    public String tokenSha256() {
        return token.isPresent() ? sha256(token.value()) : "";
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
