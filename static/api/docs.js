// Starts Swagger UI on /api/v1/docs from the vendored bundle (no inline script, no CDN).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The default sends the description to validator.swagger.io: nothing leaves this site.
    validatorUrl: null,
    // A token typed into "Authorize" is forgotten when the page closes.
    persistAuthorization: false,
    tryItOutEnabled: false
  });
});
