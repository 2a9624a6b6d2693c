// njs half of the TLS front door (nginx auth_request handler).
//
// Accepts a request for the SQL endpoints only with a valid credential:
//   - Authorization: Bearer <OAuth access token>, checked by introspection at
//     the OIDC provider (which answers 200 {"active":false} for bad tokens, so
//     the body is what counts), for the workspace audience and a `sql` or
//     `all-apis` scope;
//   - Authorization: Bearer <personal access token>, or Basic token:<PAT>,
//     checked against the PAT list that scripts/workspace writes (mode 0600).
// On success it answers 204 with X-Mortar-Basic, the Basic credential that
// nginx passes on to the Thrift server (its HTTP mode wants one), naming the
// authenticated user. On failure, 401 with X-Mortar-Error (a fixed text: never
// the token).
import fs from 'fs';

function loadConfig(r) {
    return JSON.parse(fs.readFileSync(r.variables.mortar_frontdoor_config));
}

function deny(r, message) {
    r.headersOut['X-Mortar-Error'] = message;
    r.return(401);
}

function allow(r, conf, user, kind) {
    const basic = Buffer.from(user + ':' + conf.thrift_password).toString('base64');
    r.headersOut['X-Mortar-Basic'] = 'Basic ' + basic;
    r.headersOut['X-Mortar-User'] = user;
    r.headersOut['X-Mortar-Auth'] = kind;
    r.return(204);
}

function bearerOrPat(header) {
    if (header.startsWith('Bearer ')) {
        return header.slice(7).trim();
    }
    if (header.startsWith('Basic ')) {
        const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString();
        const colon = decoded.indexOf(':');
        if (colon > 0 && decoded.slice(0, colon) === 'token') {
            return decoded.slice(colon + 1);
        }
    }
    return '';
}

function hasAudience(aud, resource) {
    if (Array.isArray(aud)) {
        return aud.indexOf(resource) >= 0;
    }
    return aud === resource;
}

async function authorize(r) {
    let conf;
    try {
        conf = loadConfig(r);
    } catch (e) {
        r.error('front door configuration unreadable: ' + e.message);
        r.return(500);
        return;
    }
    const token = bearerOrPat(r.headersIn['Authorization'] || '');
    if (!token) {
        deny(r, 'Missing credentials: send Authorization: Bearer <token>.');
        return;
    }
    // Own keys only: "constructor" or "__proto__" must not look like a PAT.
    const pat = Object.prototype.hasOwnProperty.call(conf.pats, token) ? conf.pats[token] : null;
    if (typeof pat === 'string' && pat) {
        allow(r, conf, pat, 'pat');
        return;
    }
    if (token.startsWith('dapi')) {
        deny(r, 'Invalid access token: unknown personal access token.');
        return;
    }
    let reply;
    try {
        const client = Buffer.from(encodeURIComponent(conf.introspection_client_id) + ':'
            + encodeURIComponent(conf.introspection_client_secret)).toString('base64');
        reply = await ngx.fetch(conf.introspection_url, {
            method: 'POST',
            headers: {
                'Authorization': 'Basic ' + client,
                'Content-Type': 'application/x-www-form-urlencoded',
                'Accept': 'application/json',
            },
            body: 'token=' + encodeURIComponent(token),
        });
    } catch (e) {
        r.error('token introspection failed: ' + e.message);
        r.return(503);
        return;
    }
    if (reply.status !== 200) {
        r.error('token introspection answered HTTP ' + reply.status);
        r.return(503);
        return;
    }
    const info = await reply.json();
    if (!info.active) {
        deny(r, 'Invalid access token: expired, revoked or unknown.');
        return;
    }
    if (!hasAudience(info.aud, conf.resource)) {
        deny(r, 'Invalid access token: issued for another audience.');
        return;
    }
    const scopes = (info.scope || '').split(' ');
    if (scopes.indexOf('sql') < 0 && scopes.indexOf('all-apis') < 0) {
        deny(r, 'Invalid access token: it lacks the sql scope.');
        return;
    }
    // A user's token names the user; a service principal's names its client.
    allow(r, conf, info.sub || info.client_id, 'oauth');
}

export default { authorize };
