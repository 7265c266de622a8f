// GraphiQL on this server's own files (no CDN): queries and mutations over HTTP POST to
// /graphql, subscriptions over the /graphql WebSocket (graphql-transport-ws). The Headers tab
// goes with both: over HTTP as request headers, over the socket in connection_init, so a
// token pasted there as {"Authorization": "Bearer …"} signs in either way.
(function () {
  'use strict';
  var url = window.location.origin + window.location.pathname;
  var fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: url.replace(/^http/, 'ws'),
  });
  var welcome = [
    '# Cargolive GraphQL API. Sign in with a demo login (password "demo"), then put the token',
    '# into the Headers tab below as {"Authorization": "Bearer <token>"}: queries, mutations',
    '# and subscriptions (over this page\'s WebSocket) all use it.',
    'mutation SignIn {',
    '  login(email: "dealer@cargolive.test", password: "demo") {',
    '    token',
    '    expiresAt',
    '    errors { code message }',
    '  }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: welcome,
      defaultHeaders: '{}',
      headerEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
    }),
  );
})();
