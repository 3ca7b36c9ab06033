package dev.pkcefilter.it.app;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The events observed since the last call, a line each (an unprotected path). */
@WebServlet("/public/events")
public class EventsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    EventRecorder recorder;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(String.join("\n", recorder.drain()));
    }
}
