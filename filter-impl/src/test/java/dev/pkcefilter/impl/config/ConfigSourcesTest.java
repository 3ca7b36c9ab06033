package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConfigSourcesTest {

    private final Sources sources = new Sources();
    private final List<String> problems = new ArrayList<>();

    private Optional<String> clientId() {
        return sources.build().get(ConfigKey.CLIENT_ID, problems);
    }

    private Optional<String> clientSecret() {
        return sources.build().get(ConfigKey.CLIENT_SECRET, problems);
    }

    @Test
    void prefersExternalOverEnvironmentOverServletOverAnnotation() {
        sources.annotation.put("pkce.client-id", "from-annotation");
        assertEquals(Optional.of("from-annotation"), clientId());

        sources.servlet.put("pkce.client-id", "from-web-xml");
        assertEquals(Optional.of("from-web-xml"), clientId());

        sources.environment.put("PKCE_CLIENT_ID", "from-environment");
        assertEquals(Optional.of("from-environment"), clientId());

        sources.external.put("pkce.client-id", "from-system-property");
        assertEquals(Optional.of("from-system-property"), clientId());
        assertEquals(List.of(), problems);
    }

    @Test
    void readsTheEnvironmentOnlyUnderItsMappedName() {
        sources.environment.put("pkce.client-id", "dotted");
        assertEquals(Optional.empty(), clientId());

        sources.environment.put("PKCE_CLIENT_ID", "mapped");
        assertEquals(Optional.of("mapped"), clientId());
    }

    @Test
    void skipsBlankValuesAndTrimsTheOthers() {
        sources.external.put("pkce.client-id", "   ");
        sources.environment.put("PKCE_CLIENT_ID", "");
        sources.servlet.put("pkce.client-id", "  shop \n");

        assertEquals(Optional.of("shop"), clientId());
    }

    @Test
    void isEmptyWhenNoSourceSetsTheKey() {
        sources.annotation.put("pkce.client-id", "");

        assertEquals(Optional.empty(), clientId());
        assertEquals(List.of(), problems);
    }

    @Test
    void resolvesAnnotationPlaceholdersFromExternalThenEnvironment() {
        sources.annotation.put("pkce.client-secret", "${shop.secret}");
        sources.environment.put("SHOP_SECRET", "from-mapped-environment");
        assertEquals(Optional.of("from-mapped-environment"), clientSecret());

        sources.environment.put("shop.secret", "from-environment");
        assertEquals(Optional.of("from-environment"), clientSecret());

        sources.external.put("shop.secret", "from-external");
        assertEquals(Optional.of("from-external"), clientSecret());
        assertEquals(List.of(), problems);
    }

    @Test
    void resolvesSeveralPlaceholdersInOneValue() {
        sources.annotation.put("pkce.issuer", "https://${AUTH_HOST}/realms/${REALM:shop}");
        sources.environment.put("AUTH_HOST", "login.example.com");

        assertEquals(Optional.of("https://login.example.com/realms/shop"),
                sources.build().get(ConfigKey.ISSUER, problems));
        assertEquals(List.of(), problems);
    }

    @Test
    void usesThePlaceholderDefaultOnlyWhenTheNameIsNotSet() {
        sources.annotation.put("pkce.client-id", "${SHOP_CLIENT:shop-default}");
        assertEquals(Optional.of("shop-default"), clientId());

        sources.environment.put("SHOP_CLIENT", "shop-live");
        assertEquals(Optional.of("shop-live"), clientId());
    }

    @Test
    void leavesPlaceholdersOfOtherSourcesAlone() {
        sources.servlet.put("pkce.client-id", "${NOT_RESOLVED_HERE}");

        assertEquals(Optional.of("${NOT_RESOLVED_HERE}"), clientId());
        assertEquals(List.of(), problems);
    }

    @Test
    void reportsAnUnresolvedPlaceholderWithoutItsValue() {
        sources.annotation.put("pkce.client-secret", "prefix-${SHOP_SECRET}-${OTHER}");
        sources.environment.put("OTHER", "set");

        assertEquals(Optional.empty(), clientSecret());
        assertEquals(List.of("@PkceConfiguration(clientSecret) refers to ${SHOP_SECRET}, which is not set: set it as a"
                + " system property, MicroProfile Config property or environment variable, or give a default as"
                + " ${NAME:default}"), problems);
    }

    @Test
    void reportsEveryUnresolvedPlaceholderOfAValue() {
        sources.annotation.put("pkce.issuer", "https://${AUTH_HOST}/realms/${REALM}");

        assertEquals(Optional.empty(), sources.build().get(ConfigKey.ISSUER, problems));
        assertEquals(List.of("@PkceConfiguration(issuer) refers to ${AUTH_HOST}, ${REALM}, which is not set: set it as"
                + " a system property, MicroProfile Config property or environment variable, or give a default as"
                + " ${NAME:default}"), problems);
    }

    @Test
    void readsSystemPropertiesWhenMicroProfileConfigIsNotUsable() {
        String name = "pkce-filter.test." + System.nanoTime();
        System.setProperty(name, "from-system-property");
        try {
            ConfigSources real = ConfigSources.of(getClass().getClassLoader(), key -> null,
                    Map.of("pkce.client-id", "${" + name + "}"));

            assertEquals(Optional.of("from-system-property"), real.get(ConfigKey.CLIENT_ID, problems));
            assertEquals(List.of(), problems);
        } finally {
            System.clearProperty(name);
        }
    }
}
