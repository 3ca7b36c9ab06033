package dev.pkcefilter.impl.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a session attribute value that never changes after construction. WildFly's distributed session manager
 * treats a value whose class carries an annotation named {@code Immutable} (any package) as immutable: a request
 * that only reads it does not write the session back to the cluster. Without it, WildFly (SESSION granularity,
 * the default) replicates every attribute a request has read at the end of that request, so a node that read the
 * tokens before another node refreshed them could store the old tokens over the new ones.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Immutable {
}
