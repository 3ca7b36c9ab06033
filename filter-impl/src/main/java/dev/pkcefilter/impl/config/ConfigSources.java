package dev.pkcefilter.impl.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where configuration values come from, highest precedence first: MicroProfile Config or system properties,
 * environment variables, {@code web.xml} (filter init-param, then context-param), the annotation.
 *
 * <p>Annotation values may contain {@code ${NAME}} or {@code ${NAME:default}}; {@code NAME} is looked up in
 * MicroProfile Config, system properties and the environment (as given and in its environment-variable form).
 */
public final class ConfigSources {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    private final Function<String, Optional<String>> external;
    private final Function<String, String> environment;
    private final Function<String, String> servletParameters;
    private final Map<String, String> annotation;

    /**
     * @param external MicroProfile Config or system properties, by property name
     * @param environment environment variables, by variable name
     * @param servletParameters {@code web.xml} parameters, by key
     * @param annotation annotation values, by key, still holding their placeholders
     */
    public ConfigSources(Function<String, Optional<String>> external, Function<String, String> environment,
                         Function<String, String> servletParameters, Map<String, String> annotation) {
        this.external = Objects.requireNonNull(external, "external");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.servletParameters = Objects.requireNonNull(servletParameters, "servletParameters");
        this.annotation = Map.copyOf(annotation);
    }

    /**
     * The sources of a running server: MicroProfile Config when the server has it, else system properties;
     * the process environment; the given servlet parameters and annotation values.
     */
    public static ConfigSources of(ClassLoader loader, Function<String, String> servletParameters,
                                   Map<String, String> annotation) {
        Function<String, Optional<String>> external = MicroProfileConfigLookup.create(loader)
                .orElse(name -> Optional.ofNullable(System.getProperty(name)));
        return new ConfigSources(external, System::getenv, servletParameters, annotation);
    }

    /**
     * The value of a key, from the source of highest precedence that has a non-blank value.
     *
     * @param key the key
     * @param problems where an unresolvable placeholder is reported
     * @return the trimmed value, or empty when no source sets it
     */
    Optional<String> get(ConfigKey key, List<String> problems) {
        return get(null, key, problems);
    }

    /**
     * The value of a key of a client, from the source of highest precedence that has a non-blank value.
     *
     * @param client a further client's name ({@code pkce.<name>.<key>}), or {@code null} for the default client
     * @param key the key
     * @param problems where an unresolvable placeholder is reported
     * @return the trimmed value, or empty when no source sets it
     */
    Optional<String> get(String client, ConfigKey key, List<String> problems) {
        String name = key.key(client);
        Optional<String> value = nonBlank(external.apply(name).orElse(null))
                .or(() -> nonBlank(environment.apply(key.environmentName(client))))
                .or(() -> nonBlank(servletParameters.apply(name)));
        if (value.isPresent()) {
            return value;
        }
        String fromAnnotation = annotation.get(name);
        return nonBlank(fromAnnotation).flatMap(v -> resolvePlaceholders(client, key, v, problems));
    }

    /**
     * @return the names of the further clients the annotation configures ({@code @PkceConfiguration(name = ...)}),
     *         whether or not {@code pkce.clients} lists them
     */
    Set<String> annotatedClients() {
        Set<String> names = new TreeSet<>();
        for (String key : annotation.keySet()) {
            int first = key.indexOf('.');
            int second = key.indexOf('.', first + 1);
            if (second > 0) {
                names.add(key.substring(first + 1, second));
            }
        }
        return names;
    }

    private Optional<String> resolvePlaceholders(String client, ConfigKey key, String value, List<String> problems) {
        Matcher matcher = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        List<String> unresolved = new ArrayList<>();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            Optional<String> replacement = lookupPlaceholder(name).or(() -> Optional.ofNullable(matcher.group(2)));
            if (replacement.isEmpty()) {
                unresolved.add(name);
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement.orElse("")));
        }
        matcher.appendTail(resolved);
        if (!unresolved.isEmpty()) {
            problems.add("@PkceConfiguration(" + key.annotationAttribute(client) + ") refers to ${" + String.join("}, ${", unresolved)
                    + "}, which is not set: set it as a system property, MicroProfile Config property or"
                    + " environment variable, or give a default as ${NAME:default}");
            return Optional.empty();
        }
        return nonBlank(resolved.toString());
    }

    private Optional<String> lookupPlaceholder(String name) {
        return external.apply(name)
                .or(() -> Optional.ofNullable(environment.apply(name)))
                .or(() -> Optional.ofNullable(environment.apply(ConfigKey.environmentVariable(name))));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
