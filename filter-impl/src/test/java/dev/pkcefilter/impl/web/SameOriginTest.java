package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pkcefilter.impl.web.SameOrigin.Verdict;

class SameOriginTest {

    private static final List<String> OWN = List.of("https://app.example", "http://localhost:8080");

    @ParameterizedTest(name = "Origin={0} Sec-Fetch-Site={1} Referer={2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            // Origin decides when it is there and not "null"
            "https://app.example,        -,           -,                                SAME_ORIGIN",
            "HTTPS://App.Example:443,    -,           -,                                SAME_ORIGIN",
            "http://localhost:8080,      cross-site,  https://evil.example/,            SAME_ORIGIN",
            "https://evil.example,       same-origin, https://app.example/shop/,        CROSS_ORIGIN",
            "http://app.example,         -,           -,                                CROSS_ORIGIN",
            "https://app.example:8443,   -,           -,                                CROSS_ORIGIN",
            "https://sub.app.example,    -,           -,                                CROSS_ORIGIN",
            "not a url,                  -,           -,                                CROSS_ORIGIN",
            // Origin: null (an opaque origin) is cross-origin unless Sec-Fetch-Site says same-origin
            "null,                       same-origin, -,                                SAME_ORIGIN",
            "NULL,                       same-origin, -,                                CROSS_ORIGIN",
            "null,                       SAME-ORIGIN, https://evil.example/,            SAME_ORIGIN",
            "null,                       cross-site,  -,                                CROSS_ORIGIN",
            "null,                       same-site,   -,                                CROSS_ORIGIN",
            "null,                       none,        -,                                CROSS_ORIGIN",
            "null,                       -,           -,                                CROSS_ORIGIN",
            "null,                       -,           https://app.example/shop/,        CROSS_ORIGIN",
            // Sec-Fetch-Site
            "-,                          same-origin, -,                                SAME_ORIGIN",
            "-,                          same-site,   -,                                CROSS_ORIGIN",
            "-,                          cross-site,  https://app.example/shop/,        CROSS_ORIGIN",
            "-,                          none,        -,                                UNKNOWN",
            // Referer, its origin only
            "-,                          -,           https://app.example/shop/app/,    SAME_ORIGIN",
            "-,                          -,           http://localhost:8080/x?y=1,      SAME_ORIGIN",
            "-,                          -,           https://app.example.evil.example/, CROSS_ORIGIN",
            "-,                          -,           https://user@app.example/,        CROSS_ORIGIN",
            "-,                          -,           android-app://app.example/,       CROSS_ORIGIN",
            // nothing at all
            "-,                          -,           -,                                UNKNOWN"})
    void decidesFromTheStrongestEvidenceThere(String origin, String fetchSite, String referer, Verdict expected) {
        assertEquals(expected, SameOrigin.decide(origin, fetchSite, referer, OWN));
    }
}
