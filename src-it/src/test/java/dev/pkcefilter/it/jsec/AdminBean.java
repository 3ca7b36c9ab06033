package dev.pkcefilter.it.jsec;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

/** An EJB for the role {@code admin} only: the container checks its own idea of the caller. */
@Stateless
@RolesAllowed("admin")
public class AdminBean {

    @Resource
    SessionContext session;

    /** @return the caller's name, as the EJB container knows it */
    public String callerName() {
        return session.getCallerPrincipal().getName();
    }
}
