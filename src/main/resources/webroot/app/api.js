// The public HTTP API (documented at /docs), with the caller's access token.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function parse(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    const retry = Number(response.headers.get('Retry-After')) || null;
    throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || response.statusText, retry);
  }
  return body;
}

/** fetch without credentials; a network failure becomes an ApiError with status 0. */
export async function call(method, path, {json, form, token} = {}) {
  const headers = {Accept: 'application/json'};
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {method, headers, body, credentials: 'omit', cache: 'no-store'});
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  return parse(response);
}

/** Calls made as the signed-in user: a 401 refreshes the token once and tries again. */
export class Api {
  constructor(auth) {
    this.auth = auth;
  }

  async request(method, path, options = {}) {
    const token = await this.auth.accessToken();
    try {
      return await call(method, path, {...options, token});
    } catch (e) {
      if (e.status !== 401) throw e;
      await this.auth.refresh(token);
      return call(method, path, {...options, token: await this.auth.accessToken()});
    }
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, json) {
    return this.request('POST', path, {json: json === undefined ? {} : json});
  }

  patch(path, json) {
    return this.request('PATCH', path, {json});
  }

  put(path, json) {
    return this.request('PUT', path, {json});
  }

  del(path) {
    return this.request('DELETE', path);
  }

  upload(method, path, form) {
    return this.request(method, path, {form});
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v != null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;
