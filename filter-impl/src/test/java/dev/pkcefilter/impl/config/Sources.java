package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.PkceFilterException;

/** Four maps standing in for the configuration sources, highest precedence first. */
final class Sources {

    final Map<String, String> external = new HashMap<>();
    final Map<String, String> environment = new HashMap<>();
    final Map<String, String> servlet = new HashMap<>();
    final Map<String, String> annotation = new HashMap<>();

    /** A valid public client: an issuer and a client id, as web.xml parameters. */
    static Sources minimal() {
        return new Sources().servlet(ConfigKey.ISSUER, "https://login.example.com/realms/shop")
                .servlet(ConfigKey.CLIENT_ID, "shop");
    }

    Sources servlet(ConfigKey key, String value) {
        servlet.put(key.key(), value);
        return this;
    }

    /** A further client's key, {@code pkce.<client>.<key>}, as a web.xml parameter. */
    Sources servlet(String client, ConfigKey key, String value) {
        servlet.put(key.key(client), value);
        return this;
    }

    ConfigSources build() {
        return new ConfigSources(name -> Optional.ofNullable(external.get(name)), environment::get, servlet::get,
                annotation);
    }

    ClientConfiguration load() {
        return ConfigurationLoader.load(build());
    }

    ApplicationConfiguration loadAll() {
        return ConfigurationLoader.loadAll(build());
    }

    /** @return the message of the configuration failure */
    String failure() {
        return assertThrows(PkceFilterException.class, this::load).getMessage();
    }

    /** @return the message of the configuration failure, further clients included */
    String failureOfAll() {
        return assertThrows(PkceFilterException.class, this::loadAll).getMessage();
    }
}
