package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.pkcefilter.PkceConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.configurator.BeanConfigurator;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import org.junit.jupiter.api.Test;

/**
 * Without system properties or environment variables named pkce.container-security / PKCE_CONTAINER_SECURITY (the
 * build sets none), only the annotation decides here.
 */
class ContainerSecurityExtensionTest {

    @PkceConfiguration(clientId = "shop", containerSecurity = true)
    static final class AskingForIt {
    }

    @PkceConfiguration(clientId = "shop")
    static final class NotAskingForIt {
    }

    /** What the extension did to the bean configurator, in order. */
    private final List<String> configured = new ArrayList<>();

    @Test
    void addsNoMechanismUnlessAskedTo() {
        ContainerSecurityExtension extension = new ContainerSecurityExtension();

        extension.annotated(seen(NotAskingForIt.class));
        extension.addMechanism(afterBeanDiscovery());

        assertFalse(extension.enabled());
        assertEquals(List.of(), configured);
    }

    @Test
    void addsNoMechanismWithoutAnyConfiguration() {
        ContainerSecurityExtension extension = new ContainerSecurityExtension();

        extension.addMechanism(afterBeanDiscovery());

        assertFalse(extension.enabled());
        assertEquals(List.of(), configured);
    }

    @Test
    void addsTheMechanismAsAnApplicationScopedHttpAuthenticationMechanismWhenTheAnnotationAsks() {
        ContainerSecurityExtension extension = new ContainerSecurityExtension();

        extension.annotated(seen(AskingForIt.class));
        extension.addMechanism(afterBeanDiscovery());

        assertTrue(extension.enabled());
        assertEquals(List.of("addBean", "beanClass " + ContainerSecurityMechanism.class.getName(),
                "types " + Set.of(Object.class, HttpAuthenticationMechanism.class),
                "scope " + ApplicationScoped.class.getName(), "createWith"), configured);
    }

    @Test
    void readsTheAnnotationFromTheOneClassThatCarriesIt() {
        ClassLoader loader = getClass().getClassLoader();

        assertTrue(ContainerSecurityExtension.isAskedFor(loader, Set.of(AskingForIt.class)));
        assertFalse(ContainerSecurityExtension.isAskedFor(loader, Set.of(NotAskingForIt.class)));
        assertFalse(ContainerSecurityExtension.isAskedFor(loader, Set.of()));
        // two annotated classes: the initializer fails the deployment; here, not asked
        assertFalse(ContainerSecurityExtension.isAskedFor(loader,
                new LinkedHashSet<>(List.of(AskingForIt.class, NotAskingForIt.class))));
    }

    @SuppressWarnings("unchecked")
    private static ProcessAnnotatedType<Object> seen(Class<?> type) {
        AnnotatedType<Object> annotated = (AnnotatedType<Object>) Proxy.newProxyInstance(
                AnnotatedType.class.getClassLoader(), new Class<?>[] {AnnotatedType.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getJavaClass")) {
                        return type;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return (ProcessAnnotatedType<Object>) Proxy.newProxyInstance(ProcessAnnotatedType.class.getClassLoader(),
                new Class<?>[] {ProcessAnnotatedType.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getAnnotatedType")) {
                        return annotated;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private AfterBeanDiscovery afterBeanDiscovery() {
        BeanConfigurator<?> bean = (BeanConfigurator<?>) Proxy.newProxyInstance(
                BeanConfigurator.class.getClassLoader(), new Class<?>[] {BeanConfigurator.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "beanClass" -> configured.add("beanClass " + ((Class<?>) args[0]).getName());
                        case "types" -> configured.add("types " + Set.of((Object[]) args[0]));
                        case "scope" -> configured.add("scope " + ((Class<?>) args[0]).getName());
                        case "createWith" -> configured.add("createWith");
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return proxy;
                });
        return (AfterBeanDiscovery) Proxy.newProxyInstance(AfterBeanDiscovery.class.getClassLoader(),
                new Class<?>[] {AfterBeanDiscovery.class}, (proxy, m, args) -> {
                    if (m.getName().equals("addBean") && (args == null || args.length == 0)) {
                        configured.add("addBean");
                        return bean;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
