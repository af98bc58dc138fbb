// The filters of a result page are a disclosure: closed on a phone, under the result count,
// so that the results come first; opened on a wider screen, where they are a sidebar.
// Without JavaScript they stay closed and open on demand.
(function () {
  "use strict";
  const filters = document.querySelector("details.filters");
  if (filters && !window.matchMedia("(max-width: 52rem)").matches) filters.open = true;
})();
