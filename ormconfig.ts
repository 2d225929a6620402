import 'reflect-metadata';
import { AppConfig } from './src/config/app-config';
import { createDataSource } from './src/database/database-options';

/** The DataSource the TypeORM CLI uses (`npm run migration:run`), on the same DATABASE_URL as the service. */
export default createDataSource(process.env.DATABASE_URL || new AppConfig().DATABASE_URL);
