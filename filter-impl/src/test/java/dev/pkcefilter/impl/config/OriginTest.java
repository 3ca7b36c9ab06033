package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginTest {

    @ParameterizedTest
    @CsvSource({
            "https://api.example.com, https://api.example.com",
            "HTTPS://API.Example.COM:443/v1/x?y=1#z, https://api.example.com",
            "https://api.example.com:8443/, https://api.example.com:8443",
            "http://api.example.com:80, http://api.example.com",
            "http://api.example.com:443, http://api.example.com:443",
            "https://api.example.com:80, https://api.example.com:80",
            "https://user:pw@api.example.com/, https://api.example.com",
            "http://[::1]:8080/x, http://[::1]:8080"})
    void isSchemeHostAndPortInLowerCaseWithoutTheDefaultPort(String url, String origin) {
        assertEquals(origin, Origin.of(URI.create(url)).orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mailto:a@example.com", "file:///etc/passwd", "/relative/path", "ftp://example.com",
            "https:///no-host"})
    void hasNoneForAUrlWithoutAnHttpOrigin(String url) {
        assertEquals(Optional.empty(), Origin.of(URI.create(url)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "127.255.0.9", "[::1]"})
    void knowsLoopbackHosts(String host) {
        assertTrue(new Origin("http", host, -1).isLoopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost.example.com", "128.0.0.1", "10.0.0.1", "[::2]", "127.0.0.1.example.com"})
    void knowsOtherHostsAreNotLoopback(String host) {
        assertFalse(new Origin("http", host, -1).isLoopback());
    }
}
