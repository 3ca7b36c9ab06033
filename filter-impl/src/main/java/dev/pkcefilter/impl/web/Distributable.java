package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import jakarta.servlet.ServletContext;

/**
 * Whether an application is {@code <distributable/>}: whether its sessions may be served by several nodes of a
 * cluster (Servlet 6.0 §7.7.2, §8.2.3: the element in {@code WEB-INF/web.xml}). The Servlet API has no method that
 * says so, and both servers replicate sessions only for such applications, so pkce-filter reads the deployment
 * descriptor itself. An application without a {@code web.xml} is not distributable.
 */
final class Distributable {

    private static final System.Logger LOG = System.getLogger(Distributable.class.getName());

    private Distributable() {
    }

    /** @return whether the application's {@code WEB-INF/web.xml} has {@code <distributable/>} */
    static boolean of(ServletContext servletContext) {
        try (InputStream in = servletContext.getResourceAsStream("/WEB-INF/web.xml")) {
            return in != null && declares(in);
        } catch (IOException | ParserConfigurationException | SAXException e) {
            // the container parsed this descriptor before; if it cannot be read here, assume no cluster
            LOG.log(Level.WARNING, "pkce-filter could not read WEB-INF/web.xml of " + servletContext.getContextPath()
                    + " to see whether it is <distributable/>; it assumes not (" + e.getClass().getSimpleName() + ")");
            return false;
        }
    }

    /** @return whether the descriptor's root element has a {@code distributable} child */
    static boolean declares(InputStream descriptor) throws IOException, ParserConfigurationException, SAXException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, ""); // an old DOCTYPE is not fetched
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        Element root = factory.newDocumentBuilder().parse(descriptor).getDocumentElement();
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && "distributable".equals(localName(child))) {
                return true;
            }
        }
        return false;
    }

    private static String localName(Node node) {
        return node.getLocalName() != null ? node.getLocalName() : node.getNodeName();
    }
}
