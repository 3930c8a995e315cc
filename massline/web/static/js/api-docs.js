// Starts Swagger UI (served locally from the swagger-ui-bundle package) on /api/docs.
(function () {
  var el = document.getElementById("swagger-ui");
  if (!el || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({ url: el.getAttribute("data-openapi-url"), dom_id: "#swagger-ui", deepLinking: true });
})();
