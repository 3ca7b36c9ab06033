package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClientSecretTest {

    @Test
    void neverPrintsItsValue() {
        ClientSecret secret = new ClientSecret("p@ss:w0rd/+");

        assertEquals("ClientSecret[redacted]", secret.toString());
        assertEquals("Optional[ClientSecret[redacted]]", Optional.of(secret).toString());
    }

    @Test
    void rejectsAnEmptySecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientSecret(""));

        assertEquals("a client secret may not be empty", e.getMessage());
    }

    @Test
    void equalsComparesTheValue() {
        assertEquals(new ClientSecret("s3cret"), new ClientSecret("s3cret"));
        assertNotEquals(new ClientSecret("s3cret"), new ClientSecret("s3cret!"));
        assertEquals(new ClientSecret("a").hashCode(), new ClientSecret("b").hashCode());
    }
}
