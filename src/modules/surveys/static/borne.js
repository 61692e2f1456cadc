// Borne d'enquête : une question par écran, réponses rangées dans IndexedDB puis envoyées au serveur ;
// une réponse ne quitte la file que lorsque le serveur l'a reçue (ou refusée définitivement).
(() => {
  const config = JSON.parse(document.getElementById('borne-config').textContent);
  const screen = document.getElementById('borne-ecran');
  const pending = document.getElementById('borne-attente');
  const DB_NAME = 'vigie-borne';
  const STORE = 'reponses';
  const REFUSED_KEY = 'vigie-borne-refusees';
  const DAY_MS = 24 * 3600 * 1000;
  let csrfToken = config.csrfToken;

  // ——— File d'attente (IndexedDB) ———

  let database;
  function openDatabase() {
    database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'responseId' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  }

  async function withStore(mode, action) {
    const db = await openDatabase();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const enqueue = (item) => withStore('readwrite', (store) => store.put(item));
  const dequeue = (id) => withStore('readwrite', (store) => store.delete(id));
  const queued = () => withStore('readonly', (store) => store.getAll());

  function refusedCount() {
    return Number(localStorage.getItem(REFUSED_KEY) ?? '0') || 0;
  }

  async function showPending() {
    const waiting = (await queued()).length;
    const refused = refusedCount();
    const parts = [];
    if (waiting > 0) parts.push(`${waiting} réponse${waiting > 1 ? 's' : ''} en attente d’envoi`);
    if (refused > 0) parts.push(`${refused} refusée${refused > 1 ? 's' : ''}`);
    pending.textContent = parts.join(' · ');
    pending.hidden = parts.length === 0;
    pending.dataset.waiting = String(waiting);
  }

  async function refreshToken() {
    try {
      const response = await fetch(config.tokenUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) return false;
      csrfToken = (await response.json()).csrfToken;
      return true;
    } catch {
      return false;
    }
  }

  /** 'next' : passer à la suivante ; 'stop' : réessayer plus tard (réseau, serveur, jeton). */
  async function send(item, retried) {
    let response;
    try {
      response = await fetch(config.submitUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
        body: JSON.stringify(item),
      });
    } catch {
      return 'stop';
    }
    if (response.status === 200 || response.status === 201) {
      await dequeue(item.responseId);
      return 'next';
    }
    const json = (response.headers.get('content-type') ?? '').includes('application/json');
    const payload = json ? await response.json().catch(() => null) : null;
    const code = payload?.error?.code;
    if (code === 'kiosk_revoked' || code === 'kiosk_not_paired') {
      // La borne n'est plus appairée : la file reste sur l'appareil, l'écran d'appairage s'affiche.
      location.assign(config.pairingUrl);
      return 'stop';
    }
    if (response.status === 403) {
      // Jeton CSRF perdu (navigateur redémarré) : un nouveau, puis un seul nouvel essai.
      if (!retried && (await refreshToken())) return send(item, true);
      return 'stop';
    }
    if (response.status === 401 || response.status === 408 || response.status === 429 || response.status >= 500) return 'stop';
    // Refus définitif (réponse invalide, enquête close…) : écartée de la file, comptée sur la borne.
    await dequeue(item.responseId);
    localStorage.setItem(REFUSED_KEY, String(refusedCount() + 1));
    return 'next';
  }

  let syncing = false;
  async function synchronise() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      const items = (await queued()).sort((a, b) => (a.answeredAt < b.answeredAt ? -1 : 1));
      for (const item of items) {
        if ((await send(item, false)) === 'stop') break;
      }
    } finally {
      syncing = false;
      await showPending();
    }
  }

  // ——— Parcours ———

  const FACES = {
    very_satisfied: 'M11 23 Q20 33 29 23',
    satisfied: 'M13 25 Q20 30 27 25',
    dissatisfied: 'M13 28 Q20 23 27 28',
    very_dissatisfied: 'M11 30 Q20 20 29 30',
    no_opinion: 'M13 26 L27 26',
  };

  function face(key) {
    const mouth = FACES[key];
    if (!mouth) return null;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 40 40');
    svg.setAttribute('class', 'borne-visage');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.innerHTML = `<circle cx="20" cy="20" r="18" fill="none" stroke="currentColor" stroke-width="2.5"/><circle cx="14" cy="15" r="2.2" fill="currentColor"/><circle cx="26" cy="15" r="2.2" fill="currentColor"/><path d="${mouth}" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/>`;
    return svg;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function button(label, onClick) {
    const node = element('button', { type: 'button', class: 'borne-bouton' }, label);
    node.addEventListener('click', onClick);
    return node;
  }

  let answers = {};
  let position = -1;
  let step = 0;
  let startedAt = 0;
  let idleTimer;
  let thanksTimer;

  function shown(question) {
    const condition = question.showIf;
    if (!condition) return true;
    const value = answers[condition.question];
    return Array.isArray(value) ? value.includes(condition.answer) : value === condition.answer;
  }

  function nextPosition(from) {
    for (let i = from + 1; i < config.questions.length; i++) if (shown(config.questions[i])) return i;
    return -1;
  }

  function display(...nodes) {
    screen.replaceChildren(...nodes);
    const heading = screen.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }

  function welcome() {
    clearTimeout(thanksTimer);
    answers = {};
    position = -1;
    step = 0;
    display(
      element('h1', null, config.title),
      element(
        'p',
        { class: 'borne-intro' },
        'Votre avis nous aide à améliorer l’accueil. Quelques questions, une par écran. Cette enquête est anonyme : aucune donnée personnelle ne vous est demandée.',
      ),
      element(
        'div',
        { class: 'borne-actions' },
        button('Commencer', () => {
          startedAt = Date.now();
          advance();
        }),
      ),
    );
  }

  function readAnswer(question, form) {
    if (question.type === 'comment') {
      const text = form.querySelector('textarea').value.trim();
      return text === '' ? undefined : text;
    }
    const checked = [...form.querySelectorAll('input:checked')].map((input) => input.value);
    if (checked.length === 0) return undefined;
    return question.type === 'multiple_choice' ? checked : checked[0];
  }

  function questionScreen(question) {
    step += 1;
    const id = `q-${question.key}`;
    const form = element('form', { novalidate: '' });
    const title = element('span', { class: 'borne-etape' }, `Question ${step}`);
    const hintId = question.hint || question.type === 'comment' ? `${id}-aide` : null;
    const hint = hintId ? element('p', { id: hintId }, question.type === 'comment' ? config.commentHint : question.hint) : null;
    const error = element('p', { class: 'borne-erreur', id: `${id}-erreur`, role: 'alert', hidden: '' });
    if (question.type === 'comment') {
      const textarea = element('textarea', {
        id,
        class: 'borne-commentaire',
        maxlength: String(question.maxLength ?? 2000),
        'aria-describedby': hintId,
      });
      form.append(title, element('h1', null, element('label', { for: id }, question.label)), hint, textarea, error);
    } else {
      const inputType = question.type === 'multiple_choice' ? 'checkbox' : 'radio';
      const options = element('div', { class: 'borne-options' });
      question.options.forEach((option, index) => {
        const inputId = `${id}-${index}`;
        options.append(
          element(
            'div',
            { class: 'borne-option' },
            element('input', { type: inputType, id: inputId, name: question.key, value: option.key }),
            element('label', { for: inputId }, face(question.type === 'satisfaction_4' ? option.key : ''), option.label),
          ),
        );
      });
      const fieldset = element(
        'fieldset',
        { class: 'borne-fieldset', 'aria-describedby': hintId },
        element('legend', null, title, element('h1', null, question.label)),
        hint,
        options,
        error,
      );
      form.append(fieldset);
    }
    const last = nextPosition(position) === -1;
    form.append(
      element(
        'div',
        { class: 'borne-actions' },
        element('button', { type: 'submit', class: 'borne-bouton' }, last ? 'Envoyer' : 'Suivant'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = readAnswer(question, form);
      if (value === undefined && question.required) {
        error.textContent =
          question.type === 'satisfaction_4'
            ? 'Choisissez une réponse, ou « Sans avis ».'
            : 'Choisissez une réponse pour continuer.';
        error.hidden = false;
        return;
      }
      if (value === undefined) delete answers[question.key];
      else answers[question.key] = value;
      advance();
    });
    display(form);
  }

  function advance() {
    position = nextPosition(position);
    if (position === -1) finish();
    else questionScreen(config.questions[position]);
  }

  // UUID v7 (RFC 9562) : les millisecondes en tête. Les réponses d'une borne arrivent dans l'ordre de leurs
  // identifiants, et l'index du serveur croît à droite au lieu d'écrire une page au hasard par réponse.
  // getRandomValues existe aussi hors HTTPS, contrairement à randomUUID.
  function uuid() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    let ms = Date.now();
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  async function finish() {
    const item = {
      responseId: uuid(),
      answeredAt: new Date().toISOString(),
      durationMs: Math.min(Math.round(Date.now() - startedAt), DAY_MS),
      answers,
    };
    display(
      element('h1', null, 'Merci !'),
      element('p', { class: 'borne-intro' }, 'Votre avis a bien été pris en compte.'),
      element('div', { class: 'borne-actions' }, button('Nouvelle réponse', welcome)),
    );
    thanksTimer = setTimeout(welcome, config.thanksSeconds * 1000);
    await enqueue(item);
    await showPending();
    synchronise();
  }

  // Sans interaction pendant un parcours : retour au début, réponses commencées abandonnées.
  function restartIdleTimer() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (position !== -1) welcome();
    }, config.idleSeconds * 1000);
  }
  for (const type of ['pointerdown', 'keydown', 'input']) document.addEventListener(type, restartIdleTimer, { passive: true });

  window.addEventListener('online', synchronise);
  setInterval(synchronise, config.retrySeconds * 1000);
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/borne/sw.js', { scope: '/borne/' }).catch(() => {});

  welcome();
  restartIdleTimer();
  showPending().then(synchronise);
})();
