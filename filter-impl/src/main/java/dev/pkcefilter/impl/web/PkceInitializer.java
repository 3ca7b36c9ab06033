package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.pkcefilter.PkceConfiguration;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.ConfigKey;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Makes the jar self-registering: reads and validates the configuration at deployment (failing it with one
 * message that lists every problem), discovers the endpoints, and registers the filter on the protected paths
 * and the callback and logout servlets.
 */
@HandlesTypes(PkceConfiguration.class)
public final class PkceInitializer implements ServletContainerInitializer {

    private static final System.Logger LOG = System.getLogger(PkceInitializer.class.getName());

    static final String FILTER_NAME = "pkce-filter";
    static final String CALLBACK_SERVLET_NAME = "pkce-callback";
    static final String LOGOUT_SERVLET_NAME = "pkce-logout";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext servletContext) throws ServletException {
        FilterRegistration declared = declaredFilter(servletContext);
        ClientConfiguration config;
        try {
            Map<String, String> initParams = declared == null ? Map.of() : declared.getInitParameters();
            Function<String, String> servletParameters = key -> initParams.containsKey(key)
                    ? initParams.get(key) : servletContext.getInitParameter(key);
            config = ConfigurationLoader.load(ConfigSources.of(servletContext.getClassLoader(), servletParameters,
                    annotationValues(classes)));
            checkContainerSecurity(config.identity().containerSecurity(), mechanismAtBootstrap());
        } catch (PkceFilterException e) {
            LOG.log(Level.ERROR, "pkce-filter cannot start in " + servletContext.getContextPath() + ": "
                    + e.getMessage());
            throw e;
        }
        boolean distributable = Distributable.of(servletContext);
        PkceContext context = new PkceContext(config, Clock.systemUTC(), distributable);
        try {
            context.endpoints().discoverEagerly();
        } catch (PkceFilterException e) {
            context.close();
            LOG.log(Level.ERROR, "pkce-filter cannot start in " + servletContext.getContextPath() + ": "
                    + e.getMessage());
            throw e;
        }
        servletContext.setAttribute(PkceContext.ATTRIBUTE, context);
        servletContext.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                context.close();
            }
        });
        servletContext.addListener(new HttpSessionListener() {
            @Override
            public void sessionDestroyed(HttpSessionEvent event) { // a logout, a timeout: nothing of it stays
                context.refresher().forget(event.getSession().getId());
            }
        });

        FilterRegistration filter = declared != null ? declared
                : servletContext.addFilter(FILTER_NAME, PkceFilter.class);
        if (filter.getUrlPatternMappings().isEmpty() && filter.getServletNameMappings().isEmpty()) {
            // before the application's own filters, so that they see the token
            if (filter instanceof FilterRegistration.Dynamic dynamic) {
                dynamic.setAsyncSupported(true);
            }
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false,
                    config.paths().protectedPaths().toArray(String[]::new));
        }
        ServletRegistration.Dynamic callback = servletContext.addServlet(CALLBACK_SERVLET_NAME, CallbackServlet.class);
        Set<String> conflicts = callback.addMapping(config.paths().callbackPath());
        if (!conflicts.isEmpty()) {
            throw new PkceFilterException("pkce-filter cannot map its callback to " + config.paths().callbackPath()
                    + ": the application already maps it. Set pkce.callback-path to another path.");
        }
        ServletRegistration.Dynamic logout = servletContext.addServlet(LOGOUT_SERVLET_NAME, LogoutServlet.class);
        if (!logout.addMapping(config.paths().logoutPath()).isEmpty()) {
            throw new PkceFilterException("pkce-filter cannot map its logout endpoint to " + config.paths().logoutPath()
                    + ": the application already maps it. Set pkce.logout-path to another path.");
        }
        ClientConfiguration.Paths paths = config.paths();
        LOG.log(Level.INFO, "pkce-filter protects " + paths.protectedPaths() + " of " + servletContext.getContextPath()
                + " for client " + config.client().id() + "; callback at " + paths.callbackPath() + ", logout at "
                + paths.logoutPath() + (config.identity().containerSecurity() ? "; pkce.container-security: the"
                + " container knows the signed-in user (Jakarta Security)" : "") + (distributable ? "; <distributable/>: a refused refresh is read with a cluster"
                + " in mind" : ""));
    }

    /**
     * {@code pkce.container-security} takes effect at CDI bootstrap ({@link ContainerSecurityExtension}), before
     * there is a {@code web.xml} to read: a value that only this later load sees would be silently ignored, so it
     * fails the deployment instead, saying where to set the key.
     *
     * @param configured the key as the whole configuration has it
     * @param atBootstrap whether the mechanism was added at CDI bootstrap
     * @throws PkceFilterException when they differ
     */
    static void checkContainerSecurity(boolean configured, boolean atBootstrap) {
        String where = "set it as a system property, as the environment variable "
                + ConfigKey.CONTAINER_SECURITY.environmentName() + ", as a MicroProfile Config property (such as"
                + " WEB-INF/classes/META-INF/microprofile-config.properties), or with @PkceConfiguration("
                + ConfigKey.CONTAINER_SECURITY.attribute() + " = true) on a class that is a CDI bean";
        if (configured && !atBootstrap) {
            throw new PkceFilterException(ConfigurationLoader.describe(List.of(ConfigKey.CONTAINER_SECURITY.key()
                    + " is true, but not where CDI bootstrap reads it, which sets up Jakarta Security before"
                    + " web.xml context-params and filter init-params are read (or the server has no CDI): " + where)));
        }
        if (!configured && atBootstrap) {
            throw new PkceFilterException(ConfigurationLoader.describe(List.of(ConfigKey.CONTAINER_SECURITY.key()
                    + " was true at CDI bootstrap, which set up Jakarta Security, but a web.xml context-param or"
                    + " filter init-param says false, and web.xml cannot turn it off: set the key in one place")));
        }
    }

    /** @return whether {@link ContainerSecurityExtension} added the mechanism to this application */
    private static boolean mechanismAtBootstrap() {
        try {
            return CDI.current().getBeanManager().getExtension(ContainerSecurityExtension.class).enabled();
        } catch (RuntimeException e) { // no CDI here, or the extension did not run
            LOG.log(Level.DEBUG, "pkce-filter: no CDI extension of its own here", e);
            return false;
        }
    }

    private static FilterRegistration declaredFilter(ServletContext servletContext) {
        for (FilterRegistration registration : servletContext.getFilterRegistrations().values()) {
            if (PkceFilter.class.getName().equals(registration.getClassName())) {
                return registration;
            }
        }
        return null;
    }

    /** The annotation's attributes by key, from the one class that carries it. */
    public static Map<String, String> annotationValues(Set<Class<?>> classes) {
        List<Class<?>> annotated = new ArrayList<>();
        if (classes != null) {
            for (Class<?> type : classes) {
                if (type.isAnnotationPresent(PkceConfiguration.class)) {
                    annotated.add(type);
                }
            }
        }
        if (annotated.isEmpty()) {
            return Map.of();
        }
        if (annotated.size() > 1) {
            throw new PkceFilterException("pkce-filter configuration is invalid: @PkceConfiguration is on "
                    + annotated.size() + " classes " + annotated.stream().map(Class::getName).toList()
                    + ": put it on exactly one");
        }
        PkceConfiguration annotation = annotated.get(0).getAnnotation(PkceConfiguration.class);
        Map<String, String> values = new HashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            try {
                Method attribute = PkceConfiguration.class.getMethod(key.attribute());
                Object value = attribute.invoke(annotation);
                values.put(key.key(), value instanceof String[] array ? String.join(",", array)
                        : value instanceof Boolean flag ? (flag ? "true" : "") : (String) value); // false: not set
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("@PkceConfiguration has no attribute " + key.attribute(), e);
            }
        }
        return values;
    }
}
