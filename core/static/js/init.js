// Loaded as the first element in <body>, before any content is painted, so
// GOV.UK Frontend's JavaScript-only styles apply without a flash. Kept out of
// the page itself because the Content-Security-Policy forbids inline scripts.
(function () {
  'use strict'
  var body = document.body
  body.classList.add('js-enabled')
  if ('noModule' in HTMLScriptElement.prototype) {
    body.classList.add('govuk-frontend-supported')
  }
})()
