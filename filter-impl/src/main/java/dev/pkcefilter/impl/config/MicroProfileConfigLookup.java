package dev.pkcefilter.impl.config;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads MicroProfile Config when the server provides it (Payara, WildFly). The API is an optional dependency:
 * only the nested {@link Reader} touches its types, and it is loaded after checking that the API is there.
 */
final class MicroProfileConfigLookup {

    private static final System.Logger LOG = System.getLogger(MicroProfileConfigLookup.class.getName());

    private MicroProfileConfigLookup() {
    }

    static Optional<Function<String, Optional<String>>> create(ClassLoader loader) {
        try {
            Class.forName("org.eclipse.microprofile.config.ConfigProvider", false, loader);
            return Optional.of(Reader.create(loader));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "MicroProfile Config is not usable here; reading system properties instead", e);
            return Optional.empty();
        }
    }

    private static final class Reader {
        static Function<String, Optional<String>> create(ClassLoader loader) {
            Config config = ConfigProvider.getConfig(loader);
            return name -> config.getOptionalValue(name, String.class);
        }
    }
}
