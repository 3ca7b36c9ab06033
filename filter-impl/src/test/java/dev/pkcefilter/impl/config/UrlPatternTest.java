package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPatternTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/*", "/app", "/app/page.html", "/app/*", "*.xhtml", "*.do"})
    void acceptsTheServletPatternForms(String pattern) {
        assertTrue(UrlPattern.isValid(pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "app", "app/*", "/app*", "/app/*/page", "/*/app", "*", "*.", "*.a/b", "*.a*",
            "**", "/app/**"})
    void rejectsOtherForms(String pattern) {
        assertFalse(UrlPattern.isValid(pattern));
    }

    @Test
    void matchesAnExactPathOnly() {
        assertTrue(UrlPattern.matches("/app/page", "/app/page"));
        assertFalse(UrlPattern.matches("/app/page", "/app/page/"));
        assertFalse(UrlPattern.matches("/app/page", "/app/pages"));
        assertFalse(UrlPattern.matches("/app/page", "/app"));
    }

    @Test
    void matchesAPrefixAtASegmentBoundary() {
        assertTrue(UrlPattern.matches("/app/*", "/app"));
        assertTrue(UrlPattern.matches("/app/*", "/app/"));
        assertTrue(UrlPattern.matches("/app/*", "/app/orders/42"));
        assertFalse(UrlPattern.matches("/app/*", "/application"));
        assertFalse(UrlPattern.matches("/app/*", "/ap"));
        assertFalse(UrlPattern.matches("/app/*", "/other/app/x"));
    }

    @Test
    void matchesTheExtensionOfTheLastSegment() {
        assertTrue(UrlPattern.matches("*.xhtml", "/index.xhtml"));
        assertTrue(UrlPattern.matches("*.xhtml", "/app/orders/list.xhtml"));
        assertFalse(UrlPattern.matches("*.xhtml", "/app.xhtml/list"));
        assertFalse(UrlPattern.matches("*.xhtml", "/index.html"));
        assertFalse(UrlPattern.matches("*.xhtml", "/indexxhtml"));
        assertFalse(UrlPattern.matches("*.xhtml", "/"));
    }

    @Test
    void matchesEverythingWithSlashAndSlashStar() {
        for (String path : List.of("/", "/app", "/app/orders/42", "/index.xhtml")) {
            assertTrue(UrlPattern.matches("/", path), path);
            assertTrue(UrlPattern.matches("/*", path), path);
        }
    }

    @Test
    void matchesWhenAnyPatternMatches() {
        List<String> patterns = List.of("/public/*", "*.css", "/health");

        assertTrue(UrlPattern.matchesAny(patterns, "/public/logo.png"));
        assertTrue(UrlPattern.matchesAny(patterns, "/app/site.css"));
        assertTrue(UrlPattern.matchesAny(patterns, "/health"));
        assertFalse(UrlPattern.matchesAny(patterns, "/app/orders"));
        assertFalse(UrlPattern.matchesAny(List.of(), "/app/orders"));
    }

    @Test
    void matchesAServletPathAndPathInfoAsOnePath() {
        List<String> patterns = List.of("/public/*", "*.css", "/health");

        assertTrue(UrlPattern.matchesAny(patterns, "/public", "/logo.png"));
        assertTrue(UrlPattern.matchesAny(patterns, "/pub", "lic/logo.png"));
        assertTrue(UrlPattern.matchesAny(patterns, "/public", null));
        assertTrue(UrlPattern.matchesAny(patterns, "/app", "/site.css"));
        assertTrue(UrlPattern.matchesAny(patterns, "/heal", "th"));
        assertFalse(UrlPattern.matchesAny(patterns, "/app", "/orders"));
        assertFalse(UrlPattern.matchesAny(patterns, "/publicity", null));
        assertFalse(UrlPattern.matchesAny(patterns, "/health", "/x"));
        assertFalse(UrlPattern.matchesAny(patterns, "/site.css", "/list"));
        assertFalse(UrlPattern.matchesAny(patterns, "/app", null));
    }
}
