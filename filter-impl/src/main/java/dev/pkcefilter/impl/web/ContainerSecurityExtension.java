package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.pkcefilter.PkceConfiguration;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;

/**
 * Adds {@link ContainerSecurityMechanism} as an {@code @ApplicationScoped} bean when {@code pkce.container-security}
 * is {@code true}, and nothing otherwise: without the bean, Jakarta Security installs no mechanism (Jakarta Security
 * 3.0 §2.4.2), so an application that does not opt in pays nothing per request and keeps its own mechanism if it
 * has one.
 *
 * <p>The decision is made at CDI bootstrap ({@link AfterBeanDiscovery}), before the application has a
 * {@code ServletContext}: the key is read from MicroProfile Config or system properties, the environment
 * ({@code PKCE_CONTAINER_SECURITY}) and {@code @PkceConfiguration} on a class CDI sees (a bean), never from
 * {@code web.xml}. {@link PkceInitializer} fails the deployment when the configuration it loads later disagrees
 * ({@link #enabled()}).
 */
public class ContainerSecurityExtension implements Extension {

    private static final System.Logger LOG = System.getLogger(ContainerSecurityExtension.class.getName());

    private final Set<Class<?>> annotated = new LinkedHashSet<>();
    private volatile boolean enabled;

    void annotated(@Observes @WithAnnotations({PkceConfiguration.class, PkceConfiguration.List.class})
                   ProcessAnnotatedType<?> event) {
        if (event.getAnnotatedType().getJavaClass().getAnnotationsByType(PkceConfiguration.class).length > 0) {
            annotated.add(event.getAnnotatedType().getJavaClass());
        }
    }

    void addMechanism(@Observes AfterBeanDiscovery event) {
        enabled = isAskedFor(ContainerSecurityExtension.class.getClassLoader(), annotated);
        if (enabled) {
            Mechanism.add(event);
            LOG.log(Level.INFO, "pkce-filter: pkce.container-security is true; its Jakarta Security mechanism"
                    + " reports the signed-in user to the container");
        }
    }

    /** @return whether the mechanism was added at bootstrap */
    public boolean enabled() {
        return enabled;
    }

    /** {@code pkce.container-security} from the sources CDI bootstrap can read; {@code false} when unsure. */
    static boolean isAskedFor(ClassLoader loader, Set<Class<?>> annotated) {
        Map<String, String> annotation;
        try {
            annotation = PkceInitializer.annotationValues(annotated);
        } catch (PkceFilterException e) { // several classes: the initializer fails the deployment with the message
            annotation = Map.of();
        }
        return ConfigurationLoader.containerSecurity(ConfigSources.of(loader, key -> null, annotation));
    }

    /** Touches the Jakarta Security API only when the key is true. */
    private static final class Mechanism {
        static void add(AfterBeanDiscovery event) {
            event.addBean()
                    .beanClass(ContainerSecurityMechanism.class)
                    .types(Object.class, HttpAuthenticationMechanism.class)
                    .scope(ApplicationScoped.class)
                    .createWith(creational -> new ContainerSecurityMechanism());
        }
    }
}
