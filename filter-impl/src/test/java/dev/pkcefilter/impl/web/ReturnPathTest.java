package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/app", "/shop/app/orders?page=2&sort=desc", "/shop/app/a%20b", "/app/~user/",
            "/app?next=//evil.example", "/app;jsessionid=ABC", "/app/%2F%2Fevil.example", "/app/%5C%5Cevil.example",
            "/app/%0d%0aLocation:%20https://evil.example", "/app/..//evil.example", "/app/@evil.example",
            "/app?u=https://user@evil.example", "/app/javascript:alert(1)", "/app/%EF%BC%8F%EF%BC%8Fevil.example"})
    void acceptsAPathOnThisOrigin(String target) {
        assertTrue(ReturnPath.isSafe(target));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"//evil.example", "//evil.example/app", "/\\evil.example", "\\\\evil.example",
            "/app\\..\\x", "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "app/orders",
            "/app\r\nSet-Cookie: a=b", "/app\nx", "/app\rx", "/app x", "/app\tx", "/app\u0000", "/app\u007f",
            "/caf\u00e9", "/app/\u2028", "/\uff0f\uff0fevil.example", "///evil.example", "/\\/evil.example",
            "//\\evil.example", "\\/evil.example", "/\t/evil.example", "/\n/evil.example", " /app", "/app ", "//", "/\\",
            "https:evil.example", "HTTPS://evil.example", "//evil.example:443", "//user@evil.example",
            "data:text/html,x", "vbscript:x", "javascript://%0aalert(1)", "/\uff3c\uff3cevil.example",
            "/\u2215\u2215evil.example", "/\u3002evil.example", "/app/\u202e", "/app\u00a0", "\u2028/app",
            "/\ud83d\ude00", "%2F%2Fevil.example", "evil.example", ".//evil.example", "/app\r\n\r\n<script>"})
    void rejectsAnythingElse(String target) {
        assertFalse(ReturnPath.isSafe(target));
    }

    @Test
    void rejectsAnOverlongTarget() {
        assertTrue(ReturnPath.isSafe("/" + "a".repeat(2047)));
        assertFalse(ReturnPath.isSafe("/" + "a".repeat(2048)));
    }

    @Test
    void keepsAPathAndQueryOfUpTo2048Characters() {
        FakeHttp.Request request = new FakeHttp.Request(); // /shop/app/orders: 16 characters
        request.queryString = "q=" + "x".repeat(2048 - 16 - 3);

        assertEquals(2048, ReturnPath.of(request.build(), List.of("/app/*")).length());
    }

    @Test
    void returnsToTheProtectedPathsRootForALongerTarget() {
        FakeHttp.Request request = new FakeHttp.Request();
        request.queryString = "q=" + "x".repeat(2048 - 16 - 2);

        assertEquals("/shop/app/", ReturnPath.of(request.build(), List.of("/admin/*", "/app/*")));
        assertEquals("/shop/", ReturnPath.of(request.build(), List.of("/*")));
        assertEquals("/shop/", ReturnPath.of(request.build()));
        request.queryString = "q=" + "x".repeat(8 * 1024);
        assertEquals("/shop/app/", ReturnPath.of(request.build(), List.of("/app/*")));
    }

    @Test
    void theProtectedPathsRootIsThePrefixOfTheFirstMatchingPattern() {
        FakeHttp.Request request = new FakeHttp.Request(); // servlet path /app, path info /orders
        request.servletPath = "/app/orders";
        request.pathInfo = null;

        assertEquals("/shop/app/", ReturnPath.protectedRoot(request.build(), List.of("/app/*")));
        assertEquals("/shop/app/orders", ReturnPath.protectedRoot(request.build(), List.of("/app/orders")));
        assertEquals("/shop/", ReturnPath.protectedRoot(request.build(), List.of("/other/*", "*.html", "/*")));
        assertEquals("/shop/", ReturnPath.protectedRoot(request.build(), List.of("/other/*")));
        request.servletPath = "/app/orders.html";
        assertEquals("/shop/", ReturnPath.protectedRoot(request.build(), List.of("*.html", "/app/*")));
    }

    @Test
    void returnsToThePathAndQueryOfAGet() {
        FakeHttp.Request request = new FakeHttp.Request();
        request.queryString = "page=2&sort=desc";

        assertEquals("/shop/app/orders?page=2&sort=desc", ReturnPath.of(request.build()));
    }

    @Test
    void returnsToThePathOfAHeadWithoutQuery() {
        FakeHttp.Request request = new FakeHttp.Request();
        request.method = "HEAD";

        assertEquals("/shop/app/orders", ReturnPath.of(request.build()));
    }

    @Test
    void returnsToTheContextRootAfterAPost() {
        FakeHttp.Request request = new FakeHttp.Request();
        request.method = "POST";
        request.queryString = "x=1";

        assertEquals("/shop/", ReturnPath.of(request.build()));
    }

    @Test
    void returnsToTheContextRootForAnUnsafeTarget() {
        FakeHttp.Request request = new FakeHttp.Request();
        request.contextPath = "";
        request.requestURI = "//evil.example/app";

        assertEquals("/", ReturnPath.of(request.build()));
    }
}
