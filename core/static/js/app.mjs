// Initialise every GOV.UK Frontend component on the page (service navigation
// menu, error summary focus, notification banners, character counts, ...).
import { initAll } from '/assets/govuk/govuk-frontend.min.js'

initAll()
