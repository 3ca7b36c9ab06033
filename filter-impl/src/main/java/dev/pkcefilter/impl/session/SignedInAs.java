package dev.pkcefilter.impl.session;

import java.io.Serializable;
import java.util.Optional;

/**
 * Who last signed in in a session: kept when the tokens are dropped (a refused refresh), so that a later login
 * of someone else starts a fresh session instead of inheriting the application's state of the previous user.
 * Ends with the session (logout invalidates it).
 *
 * @param subject the {@code sub} claim of the login's ID token (OpenID Connect Core 1.0 §2), or {@code null} when
 *        the login had none that could be read: then no later login counts as the same person
 */
@Immutable
public record SignedInAs(String subject) implements Serializable {

    /** @return the subject, when it was known */
    public Optional<String> knownSubject() {
        return Optional.ofNullable(subject);
    }

    /** @return whether a login of {@code other} continues this person's session: both known and equal */
    public boolean isSamePerson(Optional<String> other) {
        return subject != null && other.isPresent() && subject.equals(other.get());
    }

    @Override
    public String toString() {
        return "SignedInAs[subject " + (subject == null ? "unknown" : "known") + "]";
    }
}
