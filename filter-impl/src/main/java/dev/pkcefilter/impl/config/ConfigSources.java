package dev.pkcefilter.impl.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
        Optional<String> value = nonBlank(external.apply(key.key()).orElse(null))
                .or(() -> nonBlank(environment.apply(key.environmentName())))
                .or(() -> nonBlank(servletParameters.apply(key.key())));
        if (value.isPresent()) {
            return value;
        }
        String fromAnnotation = annotation.get(key.key());
        return nonBlank(fromAnnotation).flatMap(v -> resolvePlaceholders(key, v, problems));
    }

    private Optional<String> resolvePlaceholders(ConfigKey key, String value, List<String> problems) {
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
            problems.add("@PkceConfiguration(" + key.attribute() + ") refers to ${" + String.join("}, ${", unresolved)
                    + "}, which is not set: set it as a system property, MicroProfile Config property or"
                    + " environment variable, or give a default as ${NAME:default}");
            return Optional.empty();
        }
        return nonBlank(resolved.toString());
    }

    private Optional<String> lookupPlaceholder(String name) {
        return external.apply(name)
                .or(() -> Optional.ofNullable(environment.apply(name)))
                .or(() -> Optional.ofNullable(environment.apply(ConfigKey.environmentName(name))));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
