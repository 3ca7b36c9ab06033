package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestKindTest {

    private static final String CHROME_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,"
            + "image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    @Test
    void treatsABrowserNavigationAsNavigation() {
        assertTrue(RequestKind.isNavigation(null, "navigate", CHROME_ACCEPT));
        assertTrue(RequestKind.isNavigation(null, null, "text/html,application/xhtml+xml,*/*;q=0.8"));
        assertTrue(RequestKind.isNavigation(null, "NAVIGATE", "TEXT/HTML"));
        assertTrue(RequestKind.isNavigation("", "navigate", "text/html"));
    }

    @Test
    void treatsAJsonRequestAsNoNavigation() {
        assertFalse(RequestKind.isNavigation(null, null, "application/json"));
        assertFalse(RequestKind.isNavigation(null, "navigate", "application/json, text/plain, */*"));
    }

    @Test
    void treatsAMissingOrWildcardAcceptAsNoNavigation() {
        assertFalse(RequestKind.isNavigation(null, null, null));
        assertFalse(RequestKind.isNavigation(null, null, "*/*"));
        assertFalse(RequestKind.isNavigation(null, null, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"XMLHttpRequest", "xmlhttprequest"})
    void treatsAnXmlHttpRequestAsNoNavigation(String requestedWith) {
        assertFalse(RequestKind.isNavigation(requestedWith, null, CHROME_ACCEPT));
        assertFalse(RequestKind.isNavigation(requestedWith, "navigate", CHROME_ACCEPT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cors", "no-cors", "same-origin", "websocket"})
    void treatsAFetchThatIsNoNavigationAsSuch(String fetchMode) {
        assertFalse(RequestKind.isNavigation(null, fetchMode, CHROME_ACCEPT));
    }

    @Test
    void readsTheHeadersOfTheRequest() {
        FakeHttp.Request navigation = new FakeHttp.Request().header("Accept", CHROME_ACCEPT)
                .header("Sec-Fetch-Mode", "navigate");
        FakeHttp.Request fetch = new FakeHttp.Request().header("Accept", CHROME_ACCEPT)
                .header("Sec-Fetch-Mode", "cors");
        FakeHttp.Request xhr = new FakeHttp.Request().header("Accept", CHROME_ACCEPT)
                .header("X-Requested-With", "XMLHttpRequest");

        assertTrue(RequestKind.isNavigation(navigation.build()));
        assertFalse(RequestKind.isNavigation(fetch.build()));
        assertFalse(RequestKind.isNavigation(xhr.build()));
    }
}
