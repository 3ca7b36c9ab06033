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
import dev.pkcefilter.impl.config.ApplicationConfiguration;
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
@HandlesTypes({PkceConfiguration.class, PkceConfiguration.List.class})
public final class PkceInitializer implements ServletContainerInitializer {

    private static final System.Logger LOG = System.getLogger(PkceInitializer.class.getName());

    static final String FILTER_NAME = "pkce-filter";
    static final String CALLBACK_SERVLET_NAME = "pkce-callback";
    static final String LOGOUT_SERVLET_NAME = "pkce-logout";
    static final String CONNECT_SERVLET_NAME = "pkce-connect";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext servletContext) throws ServletException {
        FilterRegistration declared = declaredFilter(servletContext);
        ApplicationConfiguration all;
        try {
            Map<String, String> initParams = declared == null ? Map.of() : declared.getInitParameters();
            Function<String, String> servletParameters = key -> initParams.containsKey(key)
                    ? initParams.get(key) : servletContext.getInitParameter(key);
            all = ConfigurationLoader.loadAll(ConfigSources.of(servletContext.getClassLoader(), servletParameters,
                    annotationValues(classes)));
            checkContainerSecurity(all.signIn().identity().containerSecurity(), mechanismAtBootstrap());
        } catch (PkceFilterException e) {
            LOG.log(Level.ERROR, "pkce-filter cannot start in " + servletContext.getContextPath() + ": "
                    + e.getMessage());
            throw e;
        }
        ClientConfiguration config = all.signIn();
        boolean distributable = Distributable.of(servletContext);
        PkceContext context = new PkceContext(all, Clock.systemUTC(), distributable);
        try {
            context.clients().forEach(client -> client.endpoints().discoverEagerly());
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
                context.forget(event.getSession().getId());
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
        for (String name : context.furtherNames()) {
            registerFurther(servletContext, context.further(name).orElseThrow());
        }
        if (!all.further().isEmpty()) {
            ServletRegistration.Dynamic connect = servletContext.addServlet(CONNECT_SERVLET_NAME, ConnectServlet.class);
            Set<String> taken = connect.addMapping(PkceContext.CONNECT_PATH + "/*", PkceContext.DISCONNECT_PATH + "/*");
            if (!taken.isEmpty()) {
                throw new PkceFilterException("pkce-filter cannot map its connection endpoints to " + taken
                        + ": the application already maps them, and pkce.clients needs them.");
            }
        }
        ClientConfiguration.Paths paths = config.paths();
        LOG.log(Level.INFO, "pkce-filter protects " + paths.protectedPaths() + " of " + servletContext.getContextPath()
                + " for client " + config.client().id() + "; callback at " + paths.callbackPath() + ", logout at "
                + paths.logoutPath() + (all.further().isEmpty() ? "" : "; further clients " + all.further().keySet()
                + ", connected at " + PkceContext.CONNECT_PATH + "/<name>") + (config.identity().containerSecurity() ? "; pkce.container-security: the"
                + " container knows the signed-in user (Jakarta Security)" : "") + (distributable ? "; <distributable/>: a refused refresh is read with a cluster"
                + " in mind" : ""));
    }

    /** A further client's callback servlet, and its filter when it has protected paths of its own. */
    private static void registerFurther(ServletContext servletContext, PkceClient client) {
        String name = client.name().orElseThrow();
        ClientConfiguration.Paths paths = client.config().paths();
        ServletRegistration.Dynamic callback = servletContext.addServlet(CALLBACK_SERVLET_NAME + "-" + name,
                CallbackServlet.class);
        callback.setInitParameter(PkceFilter.CLIENT_PARAMETER, name);
        if (!callback.addMapping(paths.callbackPath()).isEmpty()) {
            throw new PkceFilterException("pkce-filter cannot map the callback of client " + name + " to "
                    + paths.callbackPath() + ": the application already maps it. Set "
                    + ConfigKey.CALLBACK_PATH.key(name) + " to another path.");
        }
        if (!paths.protectedPaths().isEmpty()) {
            FilterRegistration.Dynamic filter = servletContext.addFilter(FILTER_NAME + "-" + name, PkceFilter.class);
            filter.setInitParameter(PkceFilter.CLIENT_PARAMETER, name);
            filter.setAsyncSupported(true);
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, // after the default client's
                    paths.protectedPaths().toArray(String[]::new));
        }
        LOG.log(Level.INFO, "pkce-filter: client " + name + " (" + client.config().client().id() + ") connects at "
                + PkceContext.CONNECT_PATH + "/" + name + ", callback at " + paths.callbackPath()
                + (paths.protectedPaths().isEmpty() ? "" : ", guards " + paths.protectedPaths()));
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

    /**
     * The annotations' attributes by full key ({@code pkce.client-id}, {@code pkce.loom.client-id}): the
     * annotation without a name (the default client's) from the one class that carries it, and each further
     * client's ({@code name = "loom"}) from the one annotation that names it, on any class.
     */
    public static Map<String, String> annotationValues(Set<Class<?>> classes) {
        Map<String, Class<?>> byName = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Class<?> type : classes == null ? Set.<Class<?>>of() : classes) {
            for (PkceConfiguration annotation : type.getAnnotationsByType(PkceConfiguration.class)) {
                String name = annotation.name().trim();
                Class<?> other = byName.putIfAbsent(name, type);
                if (other != null) {
                    problems.add("@PkceConfiguration" + (name.isEmpty() ? " without a name" : "(name = \"" + name
                            + "\")") + " is on " + other.getName() + (other == type ? " twice" : " and on "
                            + type.getName()) + ": configure each client once");
                    continue;
                }
                put(annotation, name.isEmpty() ? null : name, values);
            }
        }
        if (!problems.isEmpty()) {
            throw new PkceFilterException(ConfigurationLoader.describe(problems));
        }
        return values;
    }

    private static void put(PkceConfiguration annotation, String client, Map<String, String> values) {
        for (ConfigKey key : ConfigKey.values()) {
            try {
                Method attribute = PkceConfiguration.class.getMethod(key.attribute());
                Object value = attribute.invoke(annotation);
                values.put(key.key(client), value instanceof String[] array ? String.join(",", array)
                        : value instanceof Boolean flag ? (flag ? "true" : "") : (String) value); // false: not set
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("@PkceConfiguration has no attribute " + key.attribute(), e);
            }
        }
    }
}
