package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodeVerifierTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void computesTheChallengeOfRfc7636AppendixB() {
        CodeVerifier verifier = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier.challenge());
    }

    @Test
    void computesTheChallengeOfFortyThreeLetterA() {
        CodeVerifier verifier = new CodeVerifier("a".repeat(43));

        assertEquals("ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA", verifier.challenge());
    }

    @Test
    void alwaysUsesS256() {
        assertEquals("S256", CodeVerifier.METHOD);
    }

    @Test
    void generatesTheVerifierFromThirtyTwoRandomBytesInBase64Url() {
        SecureRandom ones = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                assertEquals(32, bytes.length, "RFC 7636 §7.1 asks for 256 bits");
                java.util.Arrays.fill(bytes, (byte) 0xFF);
            }
        };

        assertEquals("_".repeat(42) + "8", CodeVerifier.generate(ones).value());
    }

    @Test
    void generatesDistinctVerifiersOfTheRfc7636Alphabet() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = CodeVerifier.generate(RANDOM).value();
            assertTrue(value.matches("[A-Za-z0-9._~-]{43}"), value);
            seen.add(value);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void acceptsTheShortestAndLongestLengths() {
        assertEquals(43, new CodeVerifier("~".repeat(43)).value().length());
        assertEquals(128, new CodeVerifier("A-._~z9".repeat(18) + "AB").value().length());
    }

    @Test
    void rejectsAVerifierShorterThanFortyThreeCharacters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CodeVerifier("a".repeat(42)));

        assertEquals("a code verifier has 43 to 128 characters (RFC 7636 §4.1), this one 42", e.getMessage());
    }

    @Test
    void rejectsAVerifierLongerThan128Characters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CodeVerifier("a".repeat(129)));

        assertEquals("a code verifier has 43 to 128 characters (RFC 7636 §4.1), this one 129", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", "=", " ", "%", "é", "\n"})
    void rejectsCharactersOutsideTheUnreservedSet(String illegal) {
        String value = "a".repeat(42) + illegal;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CodeVerifier(value));

        assertEquals("a code verifier may only hold unreserved characters A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)",
                e.getMessage());
    }

    @Test
    void neverPrintsItsValue() {
        CodeVerifier verifier = CodeVerifier.generate(RANDOM);

        assertEquals("CodeVerifier[redacted]", verifier.toString());
        assertFalse(verifier.toString().contains(verifier.value()));
    }

    @Test
    void equalsComparesTheValue() {
        String value = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

        assertEquals(new CodeVerifier(value), new CodeVerifier(value));
        assertNotEquals(new CodeVerifier(value), new CodeVerifier(value.replace('d', 'e')));
        assertEquals(new CodeVerifier(value).hashCode(), new CodeVerifier("a".repeat(43)).hashCode());
    }
}
