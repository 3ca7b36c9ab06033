package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DistributableTest {

    private static boolean declares(String webXml) throws Exception {
        return Distributable.declares(new ByteArrayInputStream(webXml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheElementOfAJakartaEeDescriptor() throws Exception {
        assertTrue(declares("<?xml version=\"1.0\"?><web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                + " version=\"6.0\">\n  <display-name>shop</display-name>\n  <distributable/>\n</web-app>"));
    }

    @Test
    void aDescriptorWithoutItIsNotDistributable() throws Exception {
        assertFalse(declares("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">"
                + "<display-name>distributable</display-name><context-param><param-name>distributable</param-name>"
                + "<param-value>x</param-value></context-param></web-app>"));
    }

    /** An old descriptor's DOCTYPE is not fetched (no network at deployment, no external entities). */
    @Test
    void aServlet23DoctypeIsNotFetched() throws Exception {
        assertTrue(declares("<!DOCTYPE web-app PUBLIC \"-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN\""
                + " \"http://127.0.0.1:1/web-app_2_3.dtd\"><web-app><distributable/></web-app>"));
    }
}
