package org.smartimaging.examples.ehr;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code {fhir base}/.well-known/smart-configuration}: where apps and the imaging server discover the EHR. */
final class SmartConfigurationServlet extends HttpServlet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final transient DemoEhr ehr;

    SmartConfigurationServlet(DemoEhr ehr) {
        this.ehr = ehr;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/smart-configuration".equals(request.getPathInfo())) {
            response.sendError(404);
            return;
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), ehr.smartConfiguration(DemoEhr.origin(request)));
    }
}
