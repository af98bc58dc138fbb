// Search-as-you-type: progressive enhancement of the search field, following the ARIA
// combobox pattern. Without JavaScript the form works as a plain GET form.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", "suggestions");
  input.setAttribute("aria-expanded", "false");

  let timer = null;
  let active = -1;
  let latest = 0;

  // An article id as one path segment: web/links.py's ArticleIdConverter, same rule.
  function articleSegment(id) {
    return id === "." || id === ".." || id.startsWith("~") ? "~" + id : id;
  }

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function option(id, text, kind, action) {
    const li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.className = kind;
    li.textContent = text;
    li.addEventListener("mousedown", function (event) {
      event.preventDefault();
      action();
    });
    li.activate = action;
    return li;
  }

  function show(data) {
    list.replaceChildren();
    data.words.forEach(function (word, i) {
      list.append(option("sugg-mot-" + i, word, "word", function () {
        input.value = word;
        input.form.submit();
      }));
    });
    data.titles.forEach(function (item, i) {
      const href = input.dataset.article.replace("ID", encodeURIComponent(articleSegment(item.id)));
      list.append(option("sugg-titre-" + i, item.title, "title", function () {
        window.location.href = href;
      }));
    });
    if (!list.children.length) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function fetchSuggestions() {
    const text = input.value;
    const ticket = ++latest;
    if (text.trim().length < 2) return close();
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text))
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && ticket === latest) show(data); })
      .catch(close);
  }

  function move(step) {
    const all = options();
    if (!all.length) return;
    if (active >= 0) all[active].removeAttribute("aria-selected");
    active = (active + step + all.length) % all.length;
    all[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", all[active].id);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      options()[active].activate();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
