package dev.pkcefilter.impl.protocol;

import dev.pkcefilter.PkceFilterException;

/** The authorization server answered something that is not a valid response; the message holds no secret. */
public class InvalidResponseException extends PkceFilterException {

    private static final long serialVersionUID = 1L;

    public InvalidResponseException(String message) {
        super(message);
    }
}
