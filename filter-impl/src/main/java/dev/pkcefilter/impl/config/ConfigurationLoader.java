package dev.pkcefilter.impl.config;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.HttpUrls;
import dev.pkcefilter.impl.protocol.AuthorizationRequest;
import dev.pkcefilter.impl.protocol.ClientAssertion;
import dev.pkcefilter.impl.protocol.ClientAssertionAudience;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.ClientKey;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestMode;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;

/**
 * Reads every key from {@link ConfigSources}, applies the defaults and checks every value. All problems are
 * collected and thrown as one {@link PkceFilterException}, so a broken deployment is fixed in one round.
 */
public final class ConfigurationLoader {

    private static final System.Logger LOG = System.getLogger(ConfigurationLoader.class.getName());

    /** Parameters pkce-filter writes itself; {@code pkce.authorize-params} may not replace them. */
    private static final Set<String> RESERVED_AUTHORIZE_PARAMS = Set.of("response_type", "client_id", "redirect_uri",
            "scope", "state", "code_challenge", "code_challenge_method", "audience", "nonce");

    /** The JWS algorithms (RFC 7518 §3.1) {@code pkce.id-token-algorithms} may list. */
    private static final List<String> ID_TOKEN_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384",
            "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512");

    /** A further client's name ({@code pkce.clients}): what {@code pkce.<name>.<key>} and a URL path can carry. */
    private static final Pattern CLIENT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    /**
     * The keys a further client has no use for, each with the reason: one logout for all, one signed-in user, one
     * list of clients.
     */
    private static final Map<ConfigKey, String> SIGN_IN_ONLY = new EnumMap<>(Map.of(
            ConfigKey.LOGOUT_PATH, "one logout, at pkce.logout-path, signs out of every client (disconnect one at"
                    + " /oauth/disconnect/<name>)",
            ConfigKey.POST_LOGOUT_REDIRECT, "one logout, at pkce.logout-path, signs out of every client",
            ConfigKey.CONTAINER_SECURITY, "the container's user is the one who signed in with the default client",
            ConfigKey.PRINCIPAL_CLAIM, "the container's user is the one who signed in with the default client",
            ConfigKey.ROLES_CLAIM, "the container's user is the one who signed in with the default client",
            ConfigKey.ROLES_SOURCE, "the container's user is the one who signed in with the default client",
            ConfigKey.CLIENTS, "further clients are listed once, in pkce.clients"));

    private final ConfigSources sources;
    /** A further client's name, or {@code null} for the default client. */
    private final String client;
    private final List<String> problems;
    private final List<ConfigKey> badUrls = new ArrayList<>();
    private final Map<ConfigKey, URI> insecureUrls = new LinkedHashMap<>();

    private ConfigKey secretKey = ConfigKey.CLIENT_SECRET; // the key that gave the secret, for messages

    /** Stands in for a secret file that could not be read, so that the client is not also called public. */
    private static final ClientSecret UNREAD_SECRET = new ClientSecret("unread");

    private ConfigurationLoader(ConfigSources sources, String client, List<String> problems) {
        this.sources = sources;
        this.client = client;
        this.problems = problems;
    }

    /**
     * Loads and validates the default client's configuration, without further clients.
     *
     * @param sources where values come from
     * @return the valid configuration
     * @throws PkceFilterException listing every problem, each with its key and how to fix it
     */
    public static ClientConfiguration load(ConfigSources sources) {
        List<String> problems = new ArrayList<>();
        ConfigurationLoader loader = new ConfigurationLoader(sources, null, problems);
        ClientConfiguration config = loader.read();
        if (!problems.isEmpty()) {
            throw new PkceFilterException(describe(problems));
        }
        loader.warn();
        return config;
    }

    /**
     * Loads and validates the configuration of the default client and of each further client {@code pkce.clients}
     * names ({@code pkce.<name>.<key>}); every problem of every client is reported at once.
     *
     * @param sources where values come from
     * @return the valid configuration
     * @throws PkceFilterException listing every problem, each with its full key and how to fix it
     */
    public static ApplicationConfiguration loadAll(ConfigSources sources) {
        List<String> problems = new ArrayList<>();
        ConfigurationLoader main = new ConfigurationLoader(sources, null, problems);
        ClientConfiguration signIn = main.read();
        List<ConfigurationLoader> loaders = new ArrayList<>(List.of(main));
        Map<String, ClientConfiguration> named = new LinkedHashMap<>();
        for (String name : main.clientNames()) {
            ConfigurationLoader loader = new ConfigurationLoader(sources, name, problems);
            loaders.add(loader);
            named.put(name, loader.read());
        }
        if (problems.isEmpty()) {
            distinctEndpoints(signIn, named, problems);
        }
        if (!problems.isEmpty()) {
            throw new PkceFilterException(describe(problems));
        }
        loaders.forEach(ConfigurationLoader::warn);
        sources.annotatedClients().stream().filter(name -> !named.containsKey(name)).forEach(name -> LOG.log(
                Level.WARNING, "@PkceConfiguration(name = \"" + name + "\") configures a client that "
                        + ConfigKey.CLIENTS.key() + " does not list: it is not used"));
        return new ApplicationConfiguration(signIn, named);
    }

    /**
     * {@code pkce.clients}: names of lowercase letters, digits and {@code -}, each once.
     *
     * @return the valid names, in order
     */
    private List<String> clientNames() {
        List<String> names = new ArrayList<>();
        list(ConfigKey.CLIENTS, CLIENT_NAME.asMatchPredicate(), "which is not a client name: use lowercase letters,"
                + " digits and -, at most 40, starting with a letter or digit, such as loom or billing-api", null)
                .orElse(List.of()).forEach(name -> {
                    if (names.contains(name)) {
                        problems.add(k(ConfigKey.CLIENTS) + " lists '" + name + "' twice: list each client once");
                    } else {
                        names.add(name);
                    }
                });
        return names;
    }

    /**
     * Each client has its own callback, and so its own redirect URI: a response is taken only at the callback of
     * the client that asked for it, the defence against mix-up attacks (RFC 9700 §4.4.2).
     */
    private static void distinctEndpoints(ClientConfiguration signIn, Map<String, ClientConfiguration> named,
                                          List<String> problems) {
        Map<String, String> callbacks = new LinkedHashMap<>();
        callbacks.put(signIn.paths().logoutPath(), ConfigKey.LOGOUT_PATH.key());
        callbacks.put(signIn.paths().callbackPath(), ConfigKey.CALLBACK_PATH.key());
        Map<URI, String> redirectUris = new LinkedHashMap<>();
        signIn.paths().redirectUri().ifPresent(uri -> redirectUris.put(uri, ConfigKey.REDIRECT_URI.key()));
        named.forEach((name, config) -> {
            String callbackKey = ConfigKey.CALLBACK_PATH.key(name);
            String taken = callbacks.putIfAbsent(config.paths().callbackPath(), callbackKey);
            if (taken != null) {
                problems.add(callbackKey + " '" + config.paths().callbackPath() + "' is also " + taken + ": each"
                        + " client needs a callback of its own (RFC 9700 §4.4.2, mix-up attacks)");
            }
            config.paths().redirectUri().ifPresent(uri -> {
                String redirectKey = ConfigKey.REDIRECT_URI.key(name);
                String same = redirectUris.putIfAbsent(uri, redirectKey);
                if (same != null) {
                    problems.add(redirectKey + " '" + uri + "' is also " + same + ": each client needs a"
                            + " redirect URI of its own (RFC 9700 §4.4.2, mix-up attacks)");
                }
            });
        });
    }

    /** @return this client's configuration, or {@code null} when it has a problem (added to the list) */
    private ClientConfiguration read() {
        int problemsBefore = problems.size();
        if (client != null) {
            SIGN_IN_ONLY.forEach((key, why) -> {
                if (sources.get(client, key, new ArrayList<>()).isPresent()) {
                    problems.add(k(key) + " has no meaning for a further client: " + why + "; remove it");
                }
            });
        }
        Optional<URI> issuer = url(ConfigKey.ISSUER);
        Optional<URI> authorizationEndpoint = url(ConfigKey.AUTHORIZATION_ENDPOINT);
        Optional<URI> tokenEndpoint = url(ConfigKey.TOKEN_ENDPOINT);
        Optional<URI> revocationEndpoint = url(ConfigKey.REVOCATION_ENDPOINT);
        Optional<URI> endSessionEndpoint = url(ConfigKey.END_SESSION_ENDPOINT);
        if (issuer.isEmpty() && (authorizationEndpoint.isEmpty() || tokenEndpoint.isEmpty())
                && !hasUrlProblem(ConfigKey.ISSUER, ConfigKey.AUTHORIZATION_ENDPOINT, ConfigKey.TOKEN_ENDPOINT)) {
            problems.add("no authorization server: set " + k(ConfigKey.ISSUER) + " (endpoints are then discovered),"
                    + " or both " + k(ConfigKey.AUTHORIZATION_ENDPOINT) + " and " + k(ConfigKey.TOKEN_ENDPOINT));
        }

        if (issuer.isEmpty() && !hasUrlProblem(ConfigKey.ISSUER)
                && AuthorizationRequest.isOpenId(get(ConfigKey.SCOPE).orElse("").trim().replaceAll("\\s+", " "))) {
            problems.add(k(ConfigKey.SCOPE) + " has openid, so the ID token that comes back is checked against the"
                    + " issuer (OpenID Connect Core 1.0 §3.1.3.7): set " + k(ConfigKey.ISSUER)
                    + " (with explicit endpoints too)");
        }

        Optional<String> clientId = get(ConfigKey.CLIENT_ID);
        if (clientId.isEmpty()) {
            problems.add(k(ConfigKey.CLIENT_ID) + " is missing: " + ConfigKey.CLIENT_ID.howToSet(client));
        }
        Optional<ClientSecret> clientSecret = clientSecret();
        Optional<String> keyFile = get(ConfigKey.CLIENT_KEY_FILE);
        Optional<ClientKey> clientKey = clientKey(keyFile);
        ClientAuthMethod clientAuth = clientAuth(clientSecret, keyFile.isPresent());
        ClientAssertionAudience assertionAudience = assertionAudience(clientAuth, issuer.isPresent());

        String scope = get(ConfigKey.SCOPE).map(s -> String.join(" ", s.trim().split("\\s+"))).orElse("");
        Optional<String> audience = get(ConfigKey.AUDIENCE);
        Map<String, String> authorizeParams = authorizeParams();
        TokenRequestFormat format = parse(ConfigKey.TOKEN_REQUEST_FORMAT, TokenRequestFormat.FORM,
                v -> Arrays.stream(TokenRequestFormat.values()).filter(f -> f.name().equalsIgnoreCase(v)).findFirst(),
                "form or json");

        boolean signIn = client == null;
        List<String> protectedPaths = urlPatterns(ConfigKey.PROTECTED_PATHS,
                signIn ? ClientConfiguration.DEFAULT_PROTECTED_PATHS : List.of(), true); // a further one: on demand
        List<String> publicPaths = urlPatterns(ConfigKey.PUBLIC_PATHS, List.of(), false);
        String callbackPath = path(ConfigKey.CALLBACK_PATH, signIn ? ClientConfiguration.DEFAULT_CALLBACK_PATH
                : ClientConfiguration.DEFAULT_CALLBACK_PATH + "/" + client);
        String logoutPath = signIn ? path(ConfigKey.LOGOUT_PATH, ClientConfiguration.DEFAULT_LOGOUT_PATH)
                : ClientConfiguration.DEFAULT_LOGOUT_PATH;
        if (signIn && callbackPath.equals(logoutPath)) {
            problems.add(k(ConfigKey.CALLBACK_PATH) + " and " + k(ConfigKey.LOGOUT_PATH) + " are both '"
                    + callbackPath + "': give them different paths");
        }
        Optional<URI> redirectUri = url(ConfigKey.REDIRECT_URI);
        Optional<String> postLogoutRedirect = signIn ? postLogoutRedirect() : Optional.empty();

        Duration refreshSkew = duration(ConfigKey.REFRESH_SKEW, ClientConfiguration.DEFAULT_REFRESH_SKEW, true,
                Duration.ofHours(1));
        Duration loginTimeout = duration(ConfigKey.LOGIN_TIMEOUT, ClientConfiguration.DEFAULT_LOGIN_TIMEOUT, false,
                Duration.ofDays(1));
        Duration httpTimeout = duration(ConfigKey.HTTP_TIMEOUT, ClientConfiguration.DEFAULT_HTTP_TIMEOUT, false,
                Duration.ofMinutes(5));
        Set<String> acceptedTokenTypes = acceptedTokenTypes();
        Optional<List<Origin>> apiOrigins = apiOrigins();
        Optional<URI> jwksUri = url(ConfigKey.JWKS_URI);
        Duration clockSkew = duration(ConfigKey.CLOCK_SKEW, ClientConfiguration.DEFAULT_CLOCK_SKEW, true,
                Duration.ofMinutes(10));
        List<String> idTokenAlgorithms = idTokenAlgorithms(clientSecret.isPresent());
        Optional<String> principalClaim = signIn ? claimName(ConfigKey.PRINCIPAL_CLAIM) : Optional.empty();
        Optional<String> rolesClaim = signIn ? claimName(ConfigKey.ROLES_CLAIM) : Optional.empty();
        ClientConfiguration.RolesSource rolesSource = !signIn ? ClientConfiguration.RolesSource.ID_TOKEN
                : parse(ConfigKey.ROLES_SOURCE, ClientConfiguration.RolesSource.ID_TOKEN,
                        v -> Arrays.stream(ClientConfiguration.RolesSource.values())
                                .filter(r -> r.name().equalsIgnoreCase(v)).findFirst(), "id_token or access_token");
        boolean userinfoClaims = flag(ConfigKey.USERINFO_CLAIMS);
        boolean containerSecurity = signIn && flag(ConfigKey.CONTAINER_SECURITY);
        PushedAuthorizationRequestMode par = par(issuer, authorizationEndpoint, tokenEndpoint);
        boolean dpop = flag(ConfigKey.DPOP);
        boolean dpopAcceptBearer = flag(ConfigKey.DPOP_ACCEPT_BEARER);
        if (dpopAcceptBearer && !dpop && get(ConfigKey.DPOP).map(v -> bool(v).isPresent()).orElse(true)) {
            problems.add(k(ConfigKey.DPOP_ACCEPT_BEARER) + " is true, but " + k(ConfigKey.DPOP) + " is not: it says"
                    + " what to do with a Bearer answer to a DPoP proof (RFC 9449 §5), and without " + k(ConfigKey.DPOP)
                    + "=true no proof is sent. Set " + k(ConfigKey.DPOP) + "=true, or remove "
                    + k(ConfigKey.DPOP_ACCEPT_BEARER));
        }
        boolean allowInsecureHttp = allowInsecureHttp(); // after every URL and origin is read

        if (problems.size() > problemsBefore) {
            return null;
        }
        return ClientConfiguration.builder()
                .issuer(issuer).authorizationEndpoint(authorizationEndpoint).tokenEndpoint(tokenEndpoint)
                .revocationEndpoint(revocationEndpoint).endSessionEndpoint(endSessionEndpoint)
                .allowInsecureHttp(allowInsecureHttp)
                .clientId(clientId.orElseThrow()).clientSecret(clientSecret).clientAuth(clientAuth).scope(scope)
                .audience(audience).authorizeParams(authorizeParams).tokenRequestFormat(format)
                .acceptedTokenTypes(acceptedTokenTypes).apiOrigins(apiOrigins)
                .clientKey(clientKey).clientAssertionAudience(assertionAudience)
                .protectedPaths(protectedPaths).publicPaths(publicPaths).callbackPath(callbackPath)
                .logoutPath(logoutPath).redirectUri(redirectUri).postLogoutRedirect(postLogoutRedirect)
                .refreshSkew(refreshSkew).loginTimeout(loginTimeout).httpTimeout(httpTimeout)
                .jwksUri(jwksUri).clockSkew(clockSkew).idTokenAlgorithms(idTokenAlgorithms)
                .principalClaim(principalClaim).rolesClaim(rolesClaim).rolesSource(rolesSource)
                .userinfoClaims(userinfoClaims)
                .containerSecurity(containerSecurity)
                .par(par)
                .dpop(dpop).dpopAcceptBearer(dpopAcceptBearer)
                .build();
    }

    /** The WARNING of {@code pkce.allow-insecure-http}, once the whole configuration is valid. */
    private void warn() {
        if (!sources.get(client, ConfigKey.ALLOW_INSECURE_HTTP, new ArrayList<>()).flatMap(ConfigurationLoader::bool)
                .orElse(false)) {
            return;
        }
        LOG.log(Level.WARNING, k(ConfigKey.ALLOW_INSECURE_HTTP) + " is true: pkce-filter allows http to hosts"
                + " that are not loopback, so codes, tokens and the client secret may cross the network in clear"
                + " text; " + (insecureUrls.isEmpty() ? "no configured URL uses http now (discovered endpoints"
                + " may)" : "insecure URLs: " + insecureUrls.entrySet().stream()
                .map(e -> k(e.getKey()) + " " + HttpUrls.forLog(e.getValue())).collect(Collectors.joining(", ")))
                + ". Use https outside development.");
    }

    /**
     * {@code pkce.container-security} as it is known at CDI bootstrap, before there is a {@code ServletContext}:
     * give sources without {@code web.xml} parameters. A value that is neither {@code true} nor {@code false} is
     * {@code false} here; {@link #load} reports it when the application starts.
     *
     * @param sources MicroProfile Config or system properties, the environment, the annotation
     * @return whether Jakarta Security is asked for
     */
    public static boolean containerSecurity(ConfigSources sources) {
        return sources.get(ConfigKey.CONTAINER_SECURITY, new ArrayList<>()).flatMap(ConfigurationLoader::bool)
                .orElse(false);
    }

    /** {@code true} or {@code false}, in any case. */
    private static Optional<Boolean> bool(String value) {
        return value.equalsIgnoreCase("true") ? Optional.of(true)
                : value.equalsIgnoreCase("false") ? Optional.of(false) : Optional.empty();
    }

    /** The one message listing every problem. */
    public static String describe(List<String> problems) {
        StringBuilder message = new StringBuilder("pkce-filter configuration is invalid (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (String problem : problems) {
            message.append("\n  - ").append(problem);
        }
        return message.toString();
    }

    private Optional<String> get(ConfigKey key) {
        return sources.get(client, key, problems);
    }

    /** @return the key's full name for this client, such as {@code pkce.client-id} or {@code pkce.loom.client-id} */
    private String k(ConfigKey key) {
        return key.key(client);
    }

    private boolean hasUrlProblem(ConfigKey... keys) {
        return Arrays.stream(keys).anyMatch(badUrls::contains);
    }

    private Optional<URI> url(ConfigKey key) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<URI> uri = HttpUrls.parse(value.get());
        if (uri.isPresent()) {
            if (HttpUrls.isInsecure(uri.get())) {
                insecureUrls.put(key, uri.get());
            }
            return uri;
        }
        badUrls.add(key);
        problems.add(k(key) + " '" + value.get() + "' is not an absolute http(s) URL without a fragment,"
                + " such as " + (key == ConfigKey.REDIRECT_URI ? "https://app.example.com/oauth/callback"
                        : "https://login.example.com/realms/main"));
        return Optional.empty();
    }

    /**
     * The secret of a confidential client (RFC 6749 §2.3.1), given inline or, so that no server lists it with its
     * system properties or environment, as a file; not both.
     */
    private Optional<ClientSecret> clientSecret() {
        Optional<String> inline = get(ConfigKey.CLIENT_SECRET);
        Optional<String> file = get(ConfigKey.CLIENT_SECRET_FILE);
        if (file.isPresent() && inline.isPresent()) {
            problems.add("both " + k(ConfigKey.CLIENT_SECRET) + " and " + k(ConfigKey.CLIENT_SECRET_FILE)
                    + " are set: keep one of them (the file keeps the secret out of the server's logs)");
        } else if (file.isPresent()) {
            secretKey = ConfigKey.CLIENT_SECRET_FILE;
            return SecretFile.read(k(ConfigKey.CLIENT_SECRET_FILE), file.get(), problems).or(() -> Optional.of(UNREAD_SECRET));
        }
        return inline.map(ClientSecret::new);
    }

    /**
     * The private key of {@code private_key_jwt} (RFC 7523 §2.2), read and checked now, so that a key that cannot
     * sign fails the deployment rather than the first login. The keys that describe it mean nothing without it.
     */
    private Optional<ClientKey> clientKey(Optional<String> file) {
        Optional<String> password = get(ConfigKey.CLIENT_KEY_PASSWORD);
        Optional<String> alias = get(ConfigKey.CLIENT_KEY_ALIAS);
        Optional<String> keyId = get(ConfigKey.CLIENT_KEY_ID);
        Optional<String> givenAlgorithm = get(ConfigKey.CLIENT_KEY_ALGORITHM);
        Optional<String> algorithm = givenAlgorithm.map(a -> a.toUpperCase(Locale.ROOT))
                .filter(ClientKey.ALGORITHMS::contains);
        if (givenAlgorithm.isPresent() && algorithm.isEmpty()) {
            problems.add(k(ConfigKey.CLIENT_KEY_ALGORITHM) + " '" + givenAlgorithm.get() + "' is not known: use one"
                    + " of " + String.join(", ", ClientKey.ALGORITHMS) + ", or leave it unset for PS256 with an RSA"
                    + " key and ES256 with an EC key");
        }
        if (file.isEmpty()) {
            Map<ConfigKey, Optional<String>> describing = new LinkedHashMap<>();
            describing.put(ConfigKey.CLIENT_KEY_PASSWORD, password);
            describing.put(ConfigKey.CLIENT_KEY_ALIAS, alias);
            describing.put(ConfigKey.CLIENT_KEY_ID, keyId);
            describing.put(ConfigKey.CLIENT_KEY_ALGORITHM, givenAlgorithm);
            describing.forEach((key, value) -> {
                if (value.isPresent()) {
                    problems.add(k(key) + " is set but " + k(ConfigKey.CLIENT_KEY_FILE) + " is not: set the key"
                            + " file, or remove " + k(key));
                }
            });
            return Optional.empty();
        }
        return ClientKeyFile.read(client, file.get(), password, alias, algorithm, keyId, problems);
    }

    private ClientAuthMethod clientAuth(Optional<ClientSecret> secret, boolean hasKeyFile) {
        boolean hasSecret = secret.isPresent();
        ClientAuthMethod fallback = hasKeyFile ? ClientAuthMethod.PRIVATE_KEY_JWT
                : hasSecret ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.NONE;
        ClientAuthMethod method = parse(ConfigKey.CLIENT_AUTH, fallback, ClientAuthMethod::parse,
                ClientAuthMethod.allowed());
        if (method.needsSecret() && !hasSecret) {
            problems.add(k(ConfigKey.CLIENT_AUTH) + " is " + method.value() + " but " + k(ConfigKey.CLIENT_SECRET)
                    + " is not set: " + ConfigKey.CLIENT_SECRET.howToSet(client) + ", or set " + k(ConfigKey.CLIENT_SECRET_FILE)
                    + ", or use none for a public client");
        } else if (method == ClientAuthMethod.NONE && hasSecret) {
            problems.add(k(ConfigKey.CLIENT_AUTH) + " is none but " + k(secretKey) + " is set: remove the secret for a public client, or use client_secret_basic or"
                    + " client_secret_post");
        } else if (method == ClientAuthMethod.CLIENT_SECRET_JWT && secret.get() != UNREAD_SECRET
                && secret.get().value().getBytes(StandardCharsets.UTF_8).length < ClientAssertion.MIN_SECRET_BYTES) {
            problems.add(k(ConfigKey.CLIENT_AUTH) + " is client_secret_jwt, which signs HS256 with the client secret,"
                    + " but " + k(secretKey) + " is shorter than " + ClientAssertion.MIN_SECRET_BYTES + " bytes (RFC"
                    + " 7518 §3.2): register a longer secret, or use private_key_jwt or client_secret_basic");
        }
        if (method == ClientAuthMethod.PRIVATE_KEY_JWT && !hasKeyFile) {
            problems.add(k(ConfigKey.CLIENT_AUTH) + " is private_key_jwt but " + k(ConfigKey.CLIENT_KEY_FILE)
                    + " is not set: " + ConfigKey.CLIENT_KEY_FILE.howToSet(client) + " to a PKCS#12 keystore or a PEM"
                    + " private key");
        } else if (hasKeyFile && method != ClientAuthMethod.PRIVATE_KEY_JWT) {
            problems.add(k(ConfigKey.CLIENT_KEY_FILE) + " is set but " + k(ConfigKey.CLIENT_AUTH) + " is "
                    + method.value() + ": use private_key_jwt (or leave " + k(ConfigKey.CLIENT_AUTH) + " unset), or"
                    + " remove the key file");
        }
        return method;
    }

    /**
     * The {@code aud} of client assertions: the issuer by default (FAPI 2.0 §5.3.2.1), which must then be known;
     * or the endpoint (RFC 7523 §3), for servers that want that.
     */
    private ClientAssertionAudience assertionAudience(ClientAuthMethod method, boolean hasIssuer) {
        Optional<String> value = get(ConfigKey.CLIENT_ASSERTION_AUDIENCE);
        ClientAssertionAudience audience = value.map(v -> ClientAssertionAudience.parse(v).orElseGet(() -> {
            problems.add(k(ConfigKey.CLIENT_ASSERTION_AUDIENCE) + " '" + v + "' is not known: use one of "
                    + ClientAssertionAudience.allowed());
            return ClientAssertionAudience.ISSUER;
        })).orElse(ClientAssertionAudience.ISSUER);
        if (value.isPresent() && !method.isJwt()) {
            problems.add(k(ConfigKey.CLIENT_ASSERTION_AUDIENCE) + " is set but " + k(ConfigKey.CLIENT_AUTH) + " is "
                    + method.value() + ", which sends no assertion: remove it, or use private_key_jwt or"
                    + " client_secret_jwt");
        } else if (method.isJwt() && audience == ClientAssertionAudience.ISSUER && !hasIssuer
                && !hasUrlProblem(ConfigKey.ISSUER)) {
            problems.add(k(ConfigKey.CLIENT_AUTH) + " is " + method.value() + ", whose assertions name the issuer"
                    + " as their audience (FAPI 2.0 §5.3.2.1), but " + k(ConfigKey.ISSUER) + " is not set: set it,"
                    + " or set " + k(ConfigKey.CLIENT_ASSERTION_AUDIENCE) + "=endpoint");
        }
        return audience;
    }

    /**
     * The origins the access token may be sent to ({@code BearerTokenFilter}); empty when not set, for the
     * default of the issuer's and the userinfo endpoint's origins. The token is a bearer credential (RFC 6750
     * §5.3): like every other remote party, an API gets it over TLS unless it is on this machine.
     */
    private Optional<List<Origin>> apiOrigins() {
        return list(ConfigKey.API_ORIGINS, item -> Origin.parse(item).isPresent(), "which is not an origin: write"
                + " scheme, host and optional port, such as https://api.example.com, without a path",
                "lists no origin: give at least one, such as https://api.example.com, or leave it unset for the"
                + " issuer's and userinfo endpoint's origins")
                .map(items -> {
                    Set<Origin> origins = new java.util.LinkedHashSet<>();
                    for (String item : items) {
                        Origin origin = Origin.parse(item).orElseThrow();
                        URI url = URI.create(origin.toString());
                        if (HttpUrls.isInsecure(url)) { // the access token in clear text (RFC 6750 §5.3)
                            insecureUrls.put(ConfigKey.API_ORIGINS, url);
                        }
                        origins.add(origin);
                    }
                    return List.copyOf(origins);
                });
    }

    /**
     * {@code pkce.par} (RFC 9126): the PAR endpoint is only ever discovered ({@code pushed_authorization_request_endpoint},
     * §5), so {@code always} needs an issuer whose metadata is read, not both endpoints set explicitly (which skips
     * discovery).
     */
    private PushedAuthorizationRequestMode par(Optional<URI> issuer, Optional<URI> authorizationEndpoint,
                                               Optional<URI> tokenEndpoint) {
        PushedAuthorizationRequestMode mode = parse(ConfigKey.PAR, PushedAuthorizationRequestMode.AUTO,
                PushedAuthorizationRequestMode::parse, PushedAuthorizationRequestMode.allowed());
        if (mode == PushedAuthorizationRequestMode.ALWAYS && !hasUrlProblem(ConfigKey.ISSUER,
                ConfigKey.AUTHORIZATION_ENDPOINT, ConfigKey.TOKEN_ENDPOINT)
                && (issuer.isEmpty() || (authorizationEndpoint.isPresent() && tokenEndpoint.isPresent()))) {
            problems.add(k(ConfigKey.PAR) + " is always, but the pushed authorization request endpoint is read from"
                    + " the server's metadata, which is not fetched " + (issuer.isEmpty() ? "without "
                    + k(ConfigKey.ISSUER) : "when both " + k(ConfigKey.AUTHORIZATION_ENDPOINT) + " and "
                    + k(ConfigKey.TOKEN_ENDPOINT) + " are set") + ": set " + k(ConfigKey.ISSUER)
                    + " and leave the endpoints to discovery, or use auto");
        }
        return mode;
    }

    private <T> T parse(ConfigKey key, T fallback, Function<String, Optional<T>> parser, String allowed) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        Optional<T> parsed = parser.apply(value.get());
        if (parsed.isEmpty()) {
            problems.add(k(key) + " '" + value.get() + "' is not known: use one of " + allowed);
        }
        return parsed.orElse(fallback);
    }

    private Map<String, String> authorizeParams() {
        Map<String, String> params = new LinkedHashMap<>();
        Optional<String> value = get(ConfigKey.AUTHORIZE_PARAMS);
        if (value.isEmpty()) {
            return params;
        }
        for (String pair : value.get().split("&")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String val;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8).trim();
                val = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add(k(ConfigKey.AUTHORIZE_PARAMS) + " has invalid percent-encoding in '" + pair
                        + "': write it as name=value&name2=value2, percent-encoding reserved characters");
                continue;
            }
            if (name.isEmpty()) {
                problems.add(k(ConfigKey.AUTHORIZE_PARAMS) + " has a parameter without a name in '" + pair
                        + "': write it as name=value&name2=value2");
            } else if (RESERVED_AUTHORIZE_PARAMS.contains(name)) {
                problems.add(k(ConfigKey.AUTHORIZE_PARAMS) + " may not set '" + name + "': pkce-filter writes it"
                        + keyFor(name).map(key -> "; set " + key + " instead").orElse(""));
            } else {
                params.put(name, val);
            }
        }
        return params;
    }

    /** The key that sets a reserved parameter; empty for those pkce-filter fixes or generates per login. */
    private Optional<String> keyFor(String param) {
        return Optional.ofNullable(switch (param) {
            case "client_id" -> k(ConfigKey.CLIENT_ID);
            case "redirect_uri" -> k(ConfigKey.REDIRECT_URI);
            case "scope" -> k(ConfigKey.SCOPE);
            case "audience" -> k(ConfigKey.AUDIENCE);
            default -> null;
        });
    }

    private List<String> urlPatterns(ConfigKey key, List<String> fallback, boolean atLeastOne) {
        // a filter mapping without a pattern is refused by the container, with a message naming no key
        return list(key, UrlPattern::isValid, "which is not a servlet URL pattern: use an exact path (/app/page), a"
                + " prefix (/app/*), an extension (*.xhtml) or /", atLeastOne ? "lists no URL pattern: give at least"
                + " one, such as /app/*, or leave it unset to protect every path" : null).orElse(fallback);
    }

    /**
     * A comma-separated list: its non-blank items, trimmed. Each item {@code valid} refuses is a problem ("has
     * 'item', {@code whyNot}"), and so is a list without items when {@code ifEmpty} is given (and no item was
     * refused).
     *
     * @return the valid items, or empty when the key is not set
     */
    private Optional<List<String>> list(ConfigKey key, Predicate<String> valid, String whyNot, String ifEmpty) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        boolean invalid = false;
        for (String raw : value.get().split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            if (valid.test(item)) {
                items.add(item);
            } else {
                invalid = true;
                problems.add(k(key) + " has '" + item + "', " + whyNot);
            }
        }
        if (ifEmpty != null && items.isEmpty() && !invalid) {
            problems.add(k(key) + " '" + value.get() + "' " + ifEmpty);
        }
        return Optional.of(items);
    }

    private String path(ConfigKey key, String fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        String path = value.get();
        if (!path.startsWith("/") || path.startsWith("//") || path.contains("*") || path.contains("?")
                || path.contains("#") || path.length() < 2) {
            problems.add(k(key) + " '" + path + "' is not a path inside the application: use an exact path"
                    + " starting with /, such as " + fallback);
            return fallback;
        }
        return path;
    }

    private Optional<String> postLogoutRedirect() {
        Optional<String> value = get(ConfigKey.POST_LOGOUT_REDIRECT);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String target = value.get();
        boolean path = target.startsWith("/") && !target.startsWith("//") && !target.contains("\\");
        if (path) {
            return value;
        }
        Optional<URI> uri = HttpUrls.parse(target);
        if (uri.isEmpty()) {
            problems.add(k(ConfigKey.POST_LOGOUT_REDIRECT) + " '" + target + "' is neither a path starting with /"
                    + " nor an absolute http(s) URL");
            return Optional.empty();
        }
        if (HttpUrls.isInsecure(uri.get())) {
            insecureUrls.put(ConfigKey.POST_LOGOUT_REDIRECT, uri.get());
        }
        return value;
    }

    /**
     * {@code pkce.allow-insecure-http}, and the TLS rule it relaxes: every configured URL is {@code https} unless
     * its host is loopback (RFC 6749 §3.1, §3.2 and §10.9: codes, verifiers, tokens and the client secret travel
     * on these connections). Each URL that breaks the rule is a problem naming its key; with the key set, one
     * WARNING at every start names them instead.
     */
    private boolean allowInsecureHttp() {
        boolean allowed = flag(ConfigKey.ALLOW_INSECURE_HTTP);
        if (allowed) {
            return true;
        }
        insecureUrls.forEach((key, uri) -> problems.add(k(key) + " '" + HttpUrls.forLog(uri) + "' is http to a"
                + " host that is not loopback: codes, tokens, secrets or the session would cross the network in clear"
                + " text (RFC 6749 §10.9). Use https, or set " + k(ConfigKey.ALLOW_INSECURE_HTTP)
                + "=true for development"));
        return false;
    }

    /** {@code true} or {@code false}, in any case; unset is {@code false}. */
    private boolean flag(ConfigKey key) {
        return parse(key, false, ConfigurationLoader::bool, "true, false");
    }

    /**
     * The accepted {@code token_type} values, in lower case: they compare case-insensitively (RFC 6749 §7.1,
     * RFC 6750 §4). Each must be an HTTP authentication scheme name (RFC 9110 §11.1, a token).
     */
    private Set<String> acceptedTokenTypes() {
        List<String> types = list(ConfigKey.ACCEPTED_TOKEN_TYPES, type -> type.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+"),
                "which is not a token type name: list names such as Bearer or DPoP, separated by commas",
                "lists no token type: give at least one, such as Bearer, or leave it unset to accept Bearer only")
                .orElse(List.of());
        return types.isEmpty() ? ClientConfiguration.DEFAULT_ACCEPTED_TOKEN_TYPES
                : types.stream().map(type -> type.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * The JWS algorithms an ID token may be signed with (OpenID Connect Core 1.0 §3.1.3.7 items 6 to 8). {@code none}
     * is never accepted; an HMAC algorithm only when the client has a secret, which is then its key (§10.1), so that
     * a public key can never serve as an HMAC key (algorithm confusion).
     */
    private List<String> idTokenAlgorithms(boolean hasSecret) {
        List<String> algorithms = list(ConfigKey.ID_TOKEN_ALGORITHMS, ID_TOKEN_ALGORITHMS::contains,
                "which is not a JWS algorithm pkce-filter accepts for ID tokens: use " + String.join(", ",
                        ID_TOKEN_ALGORITHMS) + " (never none)",
                "lists no algorithm: give at least one, or leave it unset for "
                        + String.join(", ", ClientConfiguration.DEFAULT_ID_TOKEN_ALGORITHMS)).orElse(List.of());
        if (!hasSecret && algorithms.stream().anyMatch(a -> a.startsWith("HS"))) {
            problems.add(k(ConfigKey.ID_TOKEN_ALGORITHMS) + " lists an HMAC algorithm, whose key is the client"
                    + " secret, but the client has none: set " + k(ConfigKey.CLIENT_SECRET) + " or list only "
                    + "asymmetric algorithms such as RS256");
        }
        return algorithms.isEmpty() ? ClientConfiguration.DEFAULT_ID_TOKEN_ALGORITHMS : algorithms;
    }

    /** A claim name, or a dotted path of claim names, such as {@code realm_access.roles}. */
    private Optional<String> claimName(ConfigKey key) {
        Optional<String> value = get(key).map(String::trim);
        if (value.isPresent() && !value.get().matches("[^.\\s]+(\\.[^.\\s]+)*")) {
            problems.add(k(key) + " '" + value.get() + "' is not a claim name or a dotted path of claim names,"
                    + " such as realm_access.roles");
            return Optional.empty();
        }
        return value;
    }

    private Duration duration(ConfigKey key, Duration fallback, boolean zeroAllowed, Duration max) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            Duration duration = Duration.parse(value.get());
            if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
                problems.add(k(key) + " '" + value.get() + "' must be " + (zeroAllowed ? "zero or more" : "positive")
                        + ", such as " + fallback);
                return fallback;
            }
            if (duration.compareTo(max) > 0) { // a bound that also keeps toMillis() from overflowing
                problems.add(k(key) + " '" + value.get() + "' is longer than the most allowed, " + max);
                return fallback;
            }
            return duration;
        } catch (DateTimeParseException e) {
            problems.add(k(key) + " '" + value.get() + "' is not an ISO-8601 duration: write it like " + fallback
                    + " (" + fallback.toSeconds() + " seconds) or PT5M");
            return fallback;
        }
    }
}
