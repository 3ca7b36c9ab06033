package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RemoteTextTest {

    @Test
    void replacesControlCharactersSoThatNoLogLineCanBeForged() {
        assertEquals("bad  INFO forged", RemoteText.clean("bad\r\nINFO forged", 100));
        assertEquals("a b", RemoteText.clean("a\u0000b", 100));
    }

    @Test
    void cutsLongTextAtTheBound() {
        assertEquals("abc...", RemoteText.clean("abcdef", 3));
        assertEquals("abc", RemoteText.clean("abc", 3));
    }
}
