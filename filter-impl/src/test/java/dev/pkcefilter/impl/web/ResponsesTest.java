package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResponsesTest {

    @Test
    void escapesHtmlSpecialCharacters() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;) &amp;&amp; &quot;y&quot;&lt;/script&gt;",
                Responses.escape("<script>alert('x') && \"y\"</script>"));
    }

    @Test
    void replacesControlCharactersButKeepsNewlineAndTab() {
        assertEquals("a b c\nd\te f", Responses.escape("a\u0000b\rc\nd\te\u001bf"));
    }

    @Test
    void leavesOtherTextAlone() {
        assertEquals("Grüße, invalid_grant: code expired (42)", Responses.escape("Grüße, invalid_grant: code expired (42)"));
        assertEquals("", Responses.escape(""));
    }

    @Test
    void writesAnErrorPageThatIsNeitherCachedNorReferred() throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();

        Responses.errorPage(response.response, 502, "Sign-in could not be completed", "The server said:",
                "invalid_grant: <img src=x onerror=alert(1)>", "/shop/app?a=1&b=\"2\"");

        assertEquals(502, response.status);
        assertEquals("text/html;charset=UTF-8", response.contentType);
        assertEquals(Map.of("Cache-Control", "no-store", "Pragma", "no-cache", "Referrer-Policy", "no-referrer",
                "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'",
                "X-Content-Type-Options", "nosniff"), response.headers);
        String html = response.body();
        assertTrue(html.contains("<title>Sign-in could not be completed</title>"), html);
        assertTrue(html.contains("<p class=\"status\">Error 502</p>"), html);
        assertTrue(html.contains("<p><code>invalid_grant: &lt;img src=x onerror=alert(1)&gt;</code></p>"), html);
        assertTrue(html.contains("<a href=\"/shop/app?a=1&amp;b=&quot;2&quot;\">Start again</a>"), html);
        assertFalse(html.contains("<img"), html);
    }

    @Test
    void writesAnErrorPageWithoutDetail() throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();

        Responses.errorPage(response.response, 400, "Unknown sign-in response", "Please start again.", null, "/");

        assertFalse(response.body().contains("<code>"), response.body());
    }

    @Test
    void redirectsWithoutCachingOrReferrer() {
        FakeHttp.Response response = new FakeHttp.Response();

        Responses.redirect(response.response, "/shop/app/orders?page=2");

        assertEquals(302, response.status);
        assertEquals(Map.of("Location", "/shop/app/orders?page=2", "Cache-Control", "no-store", "Pragma", "no-cache",
                "Referrer-Policy", "no-referrer"), response.headers);
    }

    @Test
    void answersAScriptWith401AndABearerChallenge() throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();

        Responses.unauthorized(response.response);

        assertEquals(401, response.status);
        assertEquals("Bearer", response.headers.get("WWW-Authenticate"));
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("application/json;charset=UTF-8", response.contentType);
        assertEquals("{\"error\":\"unauthorized\",\"message\":\"Not signed in: open a page of this application in the"
                + " browser to sign in.\"}", response.body());
    }
}
