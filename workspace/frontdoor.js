// njs half of the TLS front door (nginx auth_request handlers).
//
// authorize: the SQL endpoints.
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
//
// presigned: the storage endpoint. Lets a request through to the S3 stand-in only
// with a valid presigned link: S3 Signature V4 in the query string (as S3 and
// boto3's generate_presigned_url make them) with the stand-in's S3 key, signed
// headers present, and not expired. On failure, 403 with X-Mortar-Error saying why.
import fs from 'fs';
import crypto from 'crypto';

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

// RFC 3986 encoding, as Signature V4 wants it ('~' kept, everything else escaped).
function uriEncode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g,
        (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decode(text) {
    try {
        return decodeURIComponent(text.replace(/\+/g, '%20'));
    } catch (e) {
        return null;
    }
}

function hmac(key, data) {
    return crypto.createHmac('sha256', key).update(data).digest();
}

function amzDateMillis(text) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text || '');
    if (!m) {
        return NaN;
    }
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

function refuse(r, message) {
    r.headersOut['X-Mortar-Error'] = message;
    r.return(403);
}

function presigned(r) {
    let conf;
    try {
        conf = loadConfig(r).storage;
    } catch (e) {
        r.error('front door configuration unreadable: ' + e.message);
        r.return(500);
        return;
    }
    // In an auth_request subrequest, $request is the original request line.
    const line = r.variables.request || '';
    const first = line.indexOf(' ');
    const last = line.lastIndexOf(' ');
    if (first < 0 || last <= first) {
        refuse(r, 'Malformed request.');
        return;
    }
    const method = line.slice(0, first);
    const target = line.slice(first + 1, last);
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const pairs = [];
    const params = {};
    const parts = (q < 0 ? '' : target.slice(q + 1)).split('&');
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (!part) {
            continue;
        }
        const eq = part.indexOf('=');
        const key = decode(eq < 0 ? part : part.slice(0, eq));
        const value = decode(eq < 0 ? '' : part.slice(eq + 1));
        if (key === null || value === null) {
            refuse(r, 'Malformed query string.');
            return;
        }
        params[key] = value;
        if (key !== 'X-Amz-Signature') {
            pairs.push([uriEncode(key), uriEncode(value)]);
        }
    }
    if (params['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256' || !params['X-Amz-Signature']) {
        refuse(r, 'Query-string authentication requires the Signature, Expires and Credential parameters');
        return;
    }
    const credential = (params['X-Amz-Credential'] || '').split('/');
    const date = params['X-Amz-Date'] || '';
    const expires = parseInt(params['X-Amz-Expires'] || '', 10);
    const signedAt = amzDateMillis(date);
    if (credential.length !== 5 || credential[4] !== 'aws4_request' || credential[3] !== 's3'
        || credential[1] !== date.slice(0, 8) || isNaN(signedAt) || isNaN(expires)
        || expires < 1 || expires > 604800) {
        refuse(r, 'Error parsing the X-Amz-Credential, X-Amz-Date or X-Amz-Expires parameter.');
        return;
    }
    if (credential[0] !== conf.access_key_id) {
        refuse(r, 'The AWS Access Key Id you provided does not exist in our records.');
        return;
    }
    if (Date.now() > signedAt + expires * 1000) {
        refuse(r, 'Request has expired');
        return;
    }
    const signedHeaders = (params['X-Amz-SignedHeaders'] || '').split(';');
    if (signedHeaders.indexOf('host') < 0) {
        refuse(r, 'The host header must be signed.');
        return;
    }
    let headers = '';
    for (let i = 0; i < signedHeaders.length; i++) {
        const name = signedHeaders[i];
        const value = r.headersIn[name];
        headers += name + ':' + (value === undefined ? '' : String(value).trim()) + '\n';
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const canonical = [method, path, pairs.map((p) => p[0] + '=' + p[1]).join('&'), headers,
        signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
    const scope = credential.slice(1).join('/');
    const toSign = ['AWS4-HMAC-SHA256', date, scope,
        crypto.createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key = hmac('AWS4' + conf.secret_access_key, credential[1]);
    key = hmac(key, credential[2]);
    key = hmac(key, 's3');
    key = hmac(key, 'aws4_request');
    const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
    if (signature !== params['X-Amz-Signature']) {
        refuse(r, 'The request signature we calculated does not match the signature you provided.');
        return;
    }
    r.return(204);
}

export default { authorize, presigned };
