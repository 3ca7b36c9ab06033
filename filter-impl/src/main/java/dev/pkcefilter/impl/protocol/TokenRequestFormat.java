package dev.pkcefilter.impl.protocol;

/** How the token request body is written. */
public enum TokenRequestFormat {
    /** {@code application/x-www-form-urlencoded}, as RFC 6749 §4.1.3 says. */
    FORM,
    /** {@code application/json}, for servers that take a JSON body. */
    JSON
}
