"use strict";
throw new Error("thrown on purpose by an external script");
