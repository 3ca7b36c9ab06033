package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class StateTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void generatesAtLeast128RandomBitsAsFortyThreeBase64UrlCharacters() {
        int[] requested = new int[1];
        SecureRandom counting = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                requested[0] = bytes.length;
                Arrays.fill(bytes, (byte) 0);
            }
        };

        State state = State.generate(counting);

        assertTrue(requested[0] * 8 >= 128, "bits: " + requested[0] * 8);
        assertEquals("A".repeat(43), state.value());
    }

    @Test
    void generatesDistinctStates() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = State.generate(RANDOM).value();
            assertTrue(value.matches("[A-Za-z0-9_-]{43}"), value);
            seen.add(value);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void matchesOnlyTheSameValue() {
        State state = new State("xyzSTATE-123_abc");

        assertTrue(state.matches("xyzSTATE-123_abc"));
        assertFalse(state.matches("xyzSTATE-123_abd"));
        assertFalse(state.matches("xyzSTATE-123_ab"));
        assertFalse(state.matches("xyzSTATE-123_abcd"));
        assertFalse(state.matches("XYZSTATE-123_ABC"));
        assertFalse(state.matches(""));
        assertFalse(state.matches(null));
    }

    @Test
    void equalsComparesTheValue() {
        assertEquals(new State("s1"), new State("s1"));
        assertNotEquals(new State("s1"), new State("s2"));
    }

    @Test
    void neverPrintsItsValue() {
        State state = State.generate(RANDOM);

        assertEquals("State[redacted]", state.toString());
        assertFalse(state.toString().contains(state.value()));
    }
}
