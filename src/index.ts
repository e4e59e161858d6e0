import './dirname-shim.js';
import * as core from '@actions/core';
import { run } from './main.js';
import { post } from './post.js';

// One bundle serves both the main and the post step (as in actions/checkout): main records isPost.
await (core.getState('isPost') === 'true' ? post() : run());
