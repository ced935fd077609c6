// The official openai npm client against a running `ptmo serve` edge gateway (started by
// run.sh with PTMO_URL and PTMO_KEY set). The models are random-weight fixtures: answers are
// noise, so the tests check shapes, routes and errors, not wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `${process.env.PTMO_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: process.env.PTMO_KEY, maxRetries: 0 });

test('lists the gateway model', async () => {
  const models = await client.models.list();
  const ids = models.data.map((m) => m.id);
  assert.ok(ids.includes('ptmo'), `models: ${ids}`);
});

test('answers a public chat in the cloud, with a privacy object', async () => {
  const r = await client.chat.completions.create({
    model: 'ptmo',
    max_tokens: 8,
    seed: 1,
    messages: [{ role: 'user', content: 'What is the boiling point of water?' }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.equal(r.privacy.level, 'PUBLIC');
  assert.equal(r.privacy.route, 'cloud');
  assert.ok(r.usage.completion_tokens >= 1);
});

test('keeps a private prompt on the device', async () => {
  const r = await client.chat.completions.create({
    model: 'ptmo',
    max_tokens: 4,
    messages: [{ role: 'user', content: 'My SSN is 536-22-8714 and my password is hunter2!' }],
  });
  assert.equal(r.privacy.level, 'PRIVATE');
  assert.equal(r.privacy.route, 'local');
});

test('masks a semi-sensitive prompt', async () => {
  const r = await client.chat.completions.create({
    model: 'ptmo',
    max_tokens: 4,
    messages: [{ role: 'user', content: 'Email sarah.lee@northwind-traders.com about the contract.' }],
  });
  assert.equal(r.privacy.level, 'SEMI_SENSITIVE');
  assert.ok(r.privacy.masked_spans >= 1);
});

test('streams chunks that end with a finish reason', async () => {
  const stream = await client.chat.completions.create({
    model: 'ptmo',
    max_tokens: 8,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Tell me about the moon.' }],
  });
  let chunks = 0;
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.choices.length > 0 && chunk.choices[0].finish_reason) finish = chunk.choices[0].finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(chunks >= 2, `chunks: ${chunks}`);
  assert.ok(['stop', 'length'].includes(finish), `finish: ${finish}`);
  assert.ok(usage && usage.total_tokens > 0);
});

test('legacy completions work', async () => {
  const r = await client.completions.create({ model: 'ptmo', prompt: 'Once upon a time', max_tokens: 4 });
  assert.equal(r.object, 'text_completion');
  assert.equal(typeof r.choices[0].text, 'string');
});

test('a wrong key is an AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(
    bad.chat.completions.create({ model: 'ptmo', messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof OpenAI.AuthenticationError && e.status === 401,
  );
});

test('an unknown model is a NotFoundError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-17', messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
});

test('a bad parameter is a BadRequestError naming it', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'ptmo', temperature: 9, messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'temperature',
  );
});

// Images: the SDK's image_url content parts go through the gateway's image guard.
const faceJpeg = process.env.PTMO_FACE_JPG;

test('an image part with a face is redacted before it may leave, and reported', async () => {
  const data = (await import('node:fs')).readFileSync(faceJpeg).toString('base64');
  const r = await client.chat.completions.create({
    model: 'ptmo',
    max_tokens: 4,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'Describe the scene.' },
        { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${data}` } },
      ],
    }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.privacy.images.length, 1);
  assert.equal(r.privacy.images[0].level, 'SEMI_SENSITIVE');
  assert.equal(r.privacy.images[0].param, 'messages[0].content[1]');
  // The test's cloud node serves a text-only model and refuses images; the gateway then
  // answers locally and says so. Either way only the redacted copy was offered to it.
  assert.ok(['redacted', 'withheld'].includes(r.privacy.images[0].action), r.privacy.images[0].action);
});

test('a remote image URL is a BadRequestError naming the part', async () => {
  await assert.rejects(
    client.chat.completions.create({
      model: 'ptmo',
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      }],
    }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'messages[0].content[1]',
  );
});
