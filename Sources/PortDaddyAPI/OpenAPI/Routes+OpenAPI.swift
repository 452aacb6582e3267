extension Routes {
    // MARK: the API's own description
    public static let openAPI = APIRoute<NoBody, OpenAPIJSON>(.get, "/openapi.json", "this OpenAPI 3.1 document")

    static var openAPIRoutes: [AnyAPIRoute] { [openAPI.erased] }
}
