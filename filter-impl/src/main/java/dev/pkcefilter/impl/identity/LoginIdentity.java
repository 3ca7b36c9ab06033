package dev.pkcefilter.impl.identity;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.AuthorizationRequest;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.VerifiedUser;

/**
 * Who a login's token response names: its ID token checked ({@link IdTokenValidator}), and, with
 * {@code pkce.userinfo-claims}, the userinfo answer added ({@link UserinfoClient}). A response without an ID token
 * names nobody; so does one of a plain OAuth client (no {@code openid} in the scope, no issuer to check against)
 * that the server sends one anyway: it is not checked, and nothing of it is used.
 */
public final class LoginIdentity {

    private static final System.Logger LOG = System.getLogger(LoginIdentity.class.getName());

    private final IdTokenValidator validator;
    private final UserinfoClient userinfo;
    private final ClientConfiguration config;

    public LoginIdentity(IdTokenValidator validator, UserinfoClient userinfo, ClientConfiguration config) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.userinfo = Objects.requireNonNull(userinfo, "userinfo");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param tokens the login's token response
     * @param metadata the issuer's metadata
     * @param nonce the nonce the login sent, if it sent one
     * @return the verified user, or empty when the response names nobody
     * @throws IdTokenException when its ID token or userinfo answer may not be used, or could not be checked now
     */
    public Optional<VerifiedUser> of(TokenResponse tokens, ProviderMetadata metadata, Optional<Nonce> nonce)
            throws IdTokenException {
        return of(tokens, metadata, nonce, Optional.empty());
    }

    /**
     * @param tokens the login's token response
     * @param metadata the issuer's metadata
     * @param nonce the nonce the login sent, if it sent one
     * @param dpopKey the login's DPoP key: a {@code DPoP} access token goes to userinfo with a proof of it (RFC 9449
     *        §7.1)
     * @return the verified user, or empty when the response names nobody
     * @throws IdTokenException when its ID token or userinfo answer may not be used, or could not be checked now
     */
    public Optional<VerifiedUser> of(TokenResponse tokens, ProviderMetadata metadata, Optional<Nonce> nonce,
                                     Optional<DpopKey> dpopKey) throws IdTokenException {
        if (tokens.idToken().isEmpty()) {
            return Optional.empty();
        }
        if (!AuthorizationRequest.isOpenId(config.client().scope()) && metadata.issuer().isEmpty()) {
            LOG.log(Level.DEBUG, "The token response has an ID token, but neither openid in pkce.scope nor an issuer:"
                    + " it is not checked, and nothing of it is used");
            return Optional.empty();
        }
        VerifiedUser user = validator.atLogin(tokens, metadata, nonce);
        if (!config.identity().userinfoClaims()) {
            return Optional.of(user);
        }
        if (metadata.userinfoEndpoint().isEmpty()) {
            LOG.log(Level.WARNING, "pkce.userinfo-claims is true, but the authorization server's metadata names no"
                    + " userinfo_endpoint: the user is named by the ID token alone");
            return Optional.of(user);
        }
        return Optional.of(validator.withUserinfo(user, tokens, metadata,
                userinfo.fetch(metadata.userinfoEndpoint().get(), tokens.accessToken(),
                        dpopKey.filter(key -> "DPoP".equals(tokens.tokenType())), user.subject())));
    }
}
