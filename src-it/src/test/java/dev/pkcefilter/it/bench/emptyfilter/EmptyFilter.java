package dev.pkcefilter.it.bench.emptyfilter;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A filter that does nothing, mapped like pkce-filter: what the container itself spends on any filter of a request
 * (its filter chain, and on Payara a component invocation around each filter), apart from what the filter does.
 */
@WebFilter("/app/*")
public class EmptyFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }
}
