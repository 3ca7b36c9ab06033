package dev.pkcefilter.event;

import java.util.Objects;

/**
 * Fired when a refresh did not give new tokens.
 *
 * @param refused {@code true} when the authorization server refused the refresh token (the tokens were dropped
 *                and the user signs in again); {@code false} when it could not be reached or answered an error
 *                (the tokens were kept)
 */
public record RefreshFailed(boolean refused) {
}
