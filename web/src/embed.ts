// The embed script at the stable URL /track/embed.js:
//   <script type="module" src="https://HOST/track/embed.js"></script>
//   <cargolive-tracking waybill="CL…"></cargolive-tracking>
import { define } from './element';

define();
